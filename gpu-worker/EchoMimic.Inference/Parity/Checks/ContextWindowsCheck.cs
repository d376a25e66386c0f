using EchoMimic.Inference.Scheduling;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>Fixture component <c>context_windows</c>: <c>uniform()</c> cases and the pipeline's shifted windows per step.</summary>
public sealed class ContextWindowsCheck : IComponentCheck
{
    public IReadOnlyCollection<string> Components => ["context_windows"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture)
    {
        var cases = fixture.Input("cases");
        var flat = new List<long>();
        var lengths = new List<long>();
        var counts = new List<long>();
        for (long k = 0; k < cases.shape[0]; k++)
        {
            var row = cases[k].data<long>().ToArray();
            var windows = ContextWindows.Uniform(row[0], (int)row[2], (int)row[3], (int)row[4], (int)row[5], row[6] != 0);
            Pack(windows, flat, lengths);
            counts.Add(windows.Count);
        }

        var pipelineCases = fixture.Input("pipeline_cases");
        var pipelineFlat = new List<long>();
        var pipelineLengths = new List<long>();
        var pipelineCounts = new List<long>();
        for (long k = 0; k < pipelineCases.shape[0]; k++)
        {
            var row = pipelineCases[k].data<long>().ToArray();
            int videoLength = (int)row[0], steps = (int)row[1];
            var queue = ContextWindows.ForPipeline(videoLength, (int)row[2], (int)row[3]);
            long total = 0;
            for (int t = 0; t < steps; t++)
            {
                var shifted = ContextWindows.Shifted(queue, t, videoLength);
                Pack(shifted, pipelineFlat, pipelineLengths);
                total += shifted.Count;
            }
            pipelineCounts.Add(total);
        }

        return new Dictionary<string, Tensor>
        {
            ["windows_flat"] = tensor(flat.ToArray()),
            ["window_lengths"] = tensor(lengths.ToArray()),
            ["case_window_counts"] = tensor(counts.ToArray()),
            ["pipeline_windows_flat"] = tensor(pipelineFlat.ToArray()),
            ["pipeline_window_lengths"] = tensor(pipelineLengths.ToArray()),
            ["pipeline_case_window_counts"] = tensor(pipelineCounts.ToArray()),
        };
    }

    private static void Pack(IReadOnlyList<int[]> windows, List<long> flat, List<long> lengths)
    {
        foreach (var window in windows)
        {
            flat.AddRange(window.Select(i => (long)i));
            lengths.Add(window.Length);
        }
    }
}
