namespace EchoMimic.Core.Ports;

/// <summary>
/// Joins a job's segment clips into the final video (implemented with ffmpeg in EchoMimic.GpuWorker): blends the
/// overlaps, concatenates, muxes the audio, writes a faststart MP4, a poster image and report.json, all committed
/// under the request's deterministic names. Idempotent: an existing committed video is reported, not rebuilt.
/// </summary>
public interface IClipStitcher
{
    Task<StitchResult> StitchAsync(StitchRequest request, CancellationToken cancellationToken);
}
