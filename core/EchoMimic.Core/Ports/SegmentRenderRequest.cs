using EchoMimic.Core.Messages;

namespace EchoMimic.Core.Ports;

/// <summary>
/// One segment to render. <paramref name="Prepared"/> is the job's Prepare output (audio features, pose maps and
/// reference image as blobs in <paramref name="Blobs"/>); the renderer writes its files under
/// <paramref name="ScratchDirectory"/>, which the worker deletes afterwards.
/// </summary>
public sealed record SegmentRenderRequest(
    SegmentTask Task,
    PreparedJob Prepared,
    IBlobStore Blobs,
    string ScratchDirectory,
    IProgress<int>? FramesDone = null);
