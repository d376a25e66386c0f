using System.Globalization;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;

namespace EchoMimic.Orchestration.Tests.Support;

/// <summary>
/// TEST-ONLY stand-in for the engine's preparation: measures the uploaded audio with ffprobe to get the frame count
/// (as the real one does) but computes no features. Counts its calls so tests can check Prepare runs once per job.
/// </summary>
internal sealed class TestPreparer(IBlobStore blobs) : IJobPreparer
{
    private int calls;

    public int Calls => calls;

    public async Task<PreparedJob> PrepareAsync(string jobId, RenderJobSpec spec, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref calls);
        var audio = Path.Combine(Path.GetTempPath(), $"prep-{Guid.NewGuid():N}.wav");
        try
        {
            await blobs.DownloadToFileAsync(BlobPath.Parse(spec.Inputs.Audio), audio, cancellationToken);
            double seconds;
            try
            {
                seconds = await TestMedia.DurationAsync(audio);
            }
            catch (InvalidOperationException)
            {
                throw new Core.InputException(spec.Inputs.Audio, "is not a readable audio file");
            }

            var frames = (int)Math.Round(seconds * spec.Settings.Fps);
            return new PreparedJob(jobId, frames, spec.Settings.Fps, seconds, "test", spec.Inputs.Reference, spec.Inputs.Audio,
                $"work/{jobId}/features.bin", $"work/{jobId}/pose/");
        }
        finally
        {
            File.Delete(audio);
        }
    }

    public override string ToString() => Calls.ToString(CultureInfo.InvariantCulture);
}
