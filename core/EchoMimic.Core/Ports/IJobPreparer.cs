using EchoMimic.Core.Jobs;

namespace EchoMimic.Core.Ports;

/// <summary>
/// The engine side of the Prepare activity (implemented in EchoMimic.Inference): audio features once over the whole
/// file, pose maps for every frame, and the framing check on the reference image. Idempotent: results are stored
/// under names derived from the inputs' hashes, and an existing result is reused. Input problems throw
/// <see cref="InputException"/>.
/// </summary>
public interface IJobPreparer
{
    Task<PreparedJob> PrepareAsync(string jobId, RenderJobSpec spec, CancellationToken cancellationToken);
}
