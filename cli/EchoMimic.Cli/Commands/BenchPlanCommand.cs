using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using EchoMimic.Core.Segments;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.RenderJobs;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic bench plan</c>: accepting a campaign of N rows (default 1,000) as the API does — parse the CSV or
/// JSONL manifest, merge each row over the defaults, validate every row as a complete job spec, check the row ids —
/// plus planning each row's segments for a 20 s clip. Prints the median of several runs in ms and per row.
/// </summary>
public sealed class BenchPlanCommand : IBenchmarkCommand
{
    public Command Build()
    {
        var rows = new Option<int>("--rows") { Description = "manifest rows", DefaultValueFactory = _ => 1000 };
        var runs = new Option<int>("--runs") { Description = "timed runs (after one warm-up)", DefaultValueFactory = _ => 7 };
        var command = new Command("plan", "planning and validating a 1,000-row campaign manifest (CSV and JSONL)") { rows, runs };
        command.SetAction(parse => Run(parse.GetValue(rows), parse.GetValue(runs)));
        return command;
    }

    public static int Run(int rows, int runs)
    {
        Console.WriteLine(MachineDescription.Line());
        const string defaults = """{ "schemaVersion": 1, "inputs": { "pose": { "gesture": "talk" } }, "settings": { "mode": "accelerated", "width": 512, "height": 512 } }""";
        var csv = new StringBuilder("id,reference,audio,seed,metadata.customer\n");
        var jsonl = new StringBuilder();
        for (var i = 1; i <= rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"r{i},uploads/c/{i}/ref.png,uploads/c/{i}/speech.wav,{i},customer-{i}\n");
            jsonl.Append(CultureInfo.InvariantCulture,
                $$$"""{"id":"r{{{i}}}","inputs":{"reference":"uploads/c/{{{i}}}/ref.png","audio":"uploads/c/{{{i}}}/speech.wav"},"settings":{"seed":{{{i}}}},"metadata":{"customer":"customer-{{{i}}}"}}""")
                .Append('\n');
        }

        var planner = new SegmentPlanner();
        const int framesOf20Seconds = 20 * 24;
        foreach (var (format, text, file) in new[] { ("csv", csv.ToString(), "rows.csv"), ("jsonl", jsonl.ToString(), "rows.jsonl") })
        {
            var accept = new List<double>();
            var plan = new List<double>();
            for (var run = 0; run <= runs; run++)
            {
                var clock = Stopwatch.StartNew();
                var start = RenderJobIntake.AcceptCampaign(text, file, defaults, "bench", 8, null, RenderJobOptions.Default, new Random(1));
                var accepted = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                var segments = 0;
                foreach (var _ in ((Orchestration.Campaigns.CampaignInput)start.Input).Rows)
                {
                    segments += planner.Plan(framesOf20Seconds).Segments.Count;
                }

                if (run == 0) continue; // warm-up: JIT and first-use costs
                accept.Add(accepted);
                plan.Add(clock.Elapsed.TotalMilliseconds);
                if (segments != rows * 4) throw new InvalidOperationException($"expected 4 segments per 20 s row, planned {segments}");
            }

            var a = Median(accept);
            var p = Median(plan);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{format}: {rows} rows accepted (parsed, merged, validated) in {a:F1} ms ({a * 1000 / rows:F1} us/row); segments planned (20 s each, 4 segments) in {p:F2} ms; median of {runs} runs"));
        }

        return 0;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }
}
