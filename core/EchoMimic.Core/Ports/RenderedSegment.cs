namespace EchoMimic.Core.Ports;

/// <summary>
/// A rendered segment on local disk. <paramref name="ClipFile"/> holds exactly <paramref name="FrameCount"/>
/// frames (the task's render range) at the job's fps, without audio, in a container ffmpeg reads (MP4/MKV).
/// <paramref name="LatentsFile"/>, when the engine provides it, holds the final latents of the overlap frames
/// (see <see cref="OverlapLatents"/>) so the stitcher can blend before decoding.
/// </summary>
public sealed record RenderedSegment(string ClipFile, int FrameCount, string? LatentsFile = null);
