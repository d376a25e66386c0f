using EchoMimic.Core.Messages;

namespace EchoMimic.Core.Ports;

/// <summary>
/// The engine's entry point for one segment (implemented in EchoMimic.Inference). It renders global frames
/// [RenderStart, RenderEnd) of <see cref="SegmentRenderRequest.Task"/>, drawing each frame's initial noise from
/// (settings seed, global frame index) so overlapping frames of neighbouring segments start from identical noise.
/// </summary>
public interface ISegmentRenderer
{
    Task<RenderedSegment> RenderAsync(SegmentRenderRequest request, CancellationToken cancellationToken);
}
