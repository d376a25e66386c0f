namespace EchoMimic.Core.Ports;

/// <summary>
/// The preview job type's output (implemented in EchoMimic.Inference, run by the workers): the prepared pose maps drawn
/// over the portrait for every frame, with the audio, as an MP4 plus poster and report.json under the request's names.
/// Idempotent like the stitcher: a present report.json means the outputs are complete and are returned.
/// </summary>
public interface IJobPreviewer
{
    Task<StitchResult> PreviewAsync(PreviewRequest request, CancellationToken cancellationToken);
}
