using EchoMimic.Core.Ports;
using EchoMimic.Inference.Pipeline;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Jobs;

/// <summary>
/// The engine's VAE decoder behind <see cref="ILatentDecoder"/>: the stitcher hands it blended overlap latents and
/// gets frames back. Decoding goes through <see cref="SegmentRenderer.Decode"/> (1/scaling factor, per-frame VAE
/// decode, x/2 + 0.5 clamped) and frames are converted like the segment clips ((x·255) truncated, as
/// <c>save_videos_grid</c> does), so a decoded blend frame is directly comparable with a clip frame.
/// </summary>
public sealed class EngineLatentDecoder(PipelineModels models) : ILatentDecoder
{
    public Task<IReadOnlyList<byte[]>> DecodeAsync(LatentClip latents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(latents);
        return Task.Run(() => Decode(latents, cancellationToken), cancellationToken);
    }

    private IReadOnlyList<byte[]> Decode(LatentClip latents, CancellationToken cancellationToken)
    {
        using var scope = NewDisposeScope();
        // The file layout is (frames, c, h, w); the pipeline's latents are (1, c, frames, h, w).
        var input = tensor(latents.Values, [latents.Frames, latents.Channels, latents.Height, latents.Width])
            .permute(1, 0, 2, 3).unsqueeze(0);
        var video = new SegmentRenderer(models).Decode(input, cancellationToken);
        var frames = (video[0].permute(1, 2, 3, 0) * 255.0f).to_type(ScalarType.Byte).contiguous();
        var result = new byte[latents.Frames][];
        for (var f = 0; f < result.Length; f++)
        {
            result[f] = frames[f].bytes.ToArray();
        }

        return result;
    }
}
