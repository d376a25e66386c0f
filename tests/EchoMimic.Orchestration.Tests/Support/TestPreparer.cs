using System.Globalization;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;

namespace EchoMimic.Orchestration.Tests.Support;

/// <summary>
/// TEST-ONLY stand-in for the engine's preparation: measures the uploaded audio with ffprobe to get the frame count
/// (as the real one does) but computes no features. Counts its calls so tests can check Prepare runs once per job; a
/// script decides per call (1, 2, …) whether to prepare, fail or hang, to exercise the prepare stage's retries.
/// </summary>
internal sealed class TestPreparer(IBlobStore blobs) : IJobPreparer
{
    private int calls;

    public int Calls => calls;

    public Func<int, TestPatternRenderer.Behaviour> Script { get; set; } = _ => TestPatternRenderer.Behaviour.Render;

    public async Task<PreparedJob> PrepareAsync(string jobId, RenderJobSpec spec, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref calls);
        switch (Script(call))
        {
            case TestPatternRenderer.Behaviour.Fail:
                throw new InvalidOperationException($"scripted failure of prepare call {call}");
            case TestPatternRenderer.Behaviour.Hang:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                break;
        }

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
            if (spec.Settings.Mode == RenderMode.Preview)
            {
                await DrawPoseMapsAsync(jobId, frames, spec.Settings.Width, spec.Settings.Height, cancellationToken);
            }

            return new PreparedJob(jobId, frames, spec.Settings.Fps, seconds, "test", spec.Inputs.Reference, spec.Inputs.Audio,
                $"work/{jobId}/features.bin", $"work/{jobId}/pose/");
        }
        finally
        {
            File.Delete(audio);
        }
    }

    /// <summary>The pose map of frame f: black with a white 8x8 square at x = f mod (W − 8), y = 8 (a preview job draws them).</summary>
    public static byte[] PoseMap(int frame, int width, int height)
    {
        var rgb = new byte[width * height * 3];
        var x0 = frame % (width - 8);
        for (var y = 8; y < 16; y++)
        {
            for (var x = x0; x < x0 + 8; x++)
            {
                rgb.AsSpan((y * width + x) * 3, 3).Fill(255);
            }
        }

        return rgb;
    }

    private async Task DrawPoseMapsAsync(string jobId, int frames, int width, int height, CancellationToken cancellationToken)
    {
        for (var f = 0; f < frames; f++)
        {
            await blobs.PutBytesAsync(Inference.Jobs.PreparedBlobs.PoseMap($"work/{jobId}/pose/", f),
                Inference.Jobs.PoseMapImages.EncodePng(PoseMap(f, width, height), width, height), overwrite: true, cancellationToken);
        }
    }

    public override string ToString() => Calls.ToString(CultureInfo.InvariantCulture);
}
