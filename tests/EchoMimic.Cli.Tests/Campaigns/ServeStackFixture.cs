using System.Diagnostics;
using System.Globalization;
using EchoMimic.Cli.Serve;
using EchoMimic.Cli.Tests.Serve;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Samples;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;
using Spectre.Console;

namespace EchoMimic.Cli.Tests.Campaigns;

/// <summary>
/// One real local stack shared by the campaign and client-command tests (starting Azurite and the stack costs
/// seconds, rendering is the expensive part): Azurite, <see cref="LocalStack"/> with 2 in-process workers on demo
/// weights, a signature-verifying webhook receiver, and the inputs every job uses already in the uploads container:
/// a 64x64 portrait and a 1 s tone (24 frames: one 24-frame segment per job, the least the engine and planner take).
/// </summary>
public sealed class ServeStackFixture : IAsyncLifetime
{
    public const string Reference = "uploads/shared/ref.png";
    public const string Audio = "uploads/shared/tone.wav";

    /// <summary>A "reference image" that is not an image: jobs using it fail at Prepare with an input error.</summary>
    public const string Broken = "uploads/shared/broken.png";

    private readonly string scratch = Directory.CreateTempSubdirectory("campaign-e2e-").FullName;
    private Azurite? azurite;
    private Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory;

    public LocalStack Stack { get; private set; } = null!;

    internal WebhookReceiver Receiver { get; private set; } = null!;

    public string Secret { get; } = WebhookSigner.NewSecret();

    /// <summary>A folder for the test's own files (job.json, manifests), deleted with the fixture.</summary>
    public string Files => Path.Combine(scratch, "files");

    public TimeSpan StartupTime { get; private set; }

    /// <summary>A complete job.json with the shared inputs (or <paramref name="reference"/>) and the small settings.</summary>
    public static string JobJson(long seed, string reference = Reference) => $$"""
        {
          "schemaVersion": 1,
          "inputs": { "reference": "{{reference}}", "audio": "{{Audio}}", "pose": { "gesture": "breathing" } },
          "settings": {{SmallSettingsJson(seed)}}
        }
        """;

    /// <summary>Settings of every test job: the smallest the engine accepts (64x64, 1 step, accelerated).</summary>
    public static string SmallSettingsJson(long seed) =>
        $$"""{ "mode": "accelerated", "steps": 1, "width": 64, "height": 64, "fps": 24, "seed": {{seed.ToString(CultureInfo.InvariantCulture)}} }""";

    public async ValueTask InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(Files);
        azurite = await Azurite.StartAsync();
        Receiver = new WebhookReceiver(Secret);
        var logFile = Path.Combine(Path.GetTempPath(), "campaign-e2e.log");
        File.Delete(logFile);
        var log = new FileLog(logFile);
        loggerFactory = new Microsoft.Extensions.Logging.LoggerFactory([log]);
        Stack = await LocalStack.StartAsync(new LocalStackOptions(azurite.ConnectionString, DemoWeights.Create())
        {
            Workers = 2,
            Port = 0,
            WebhookSecret = Secret,
            // Worker processes' lines go to the log file: RunCliAsync captures the process-wide console.
            Output = log.WriteLine,
            ScratchRoot = Path.Combine(scratch, "stack"),
            JobOptions = RenderJobOptions.Default with
            {
                SegmentLength = 24,
                Overlap = 12,
                EventSource = new Uri("urn:echomimic:campaign-test"),
            },
        }, loggerFactory, TestContext.Current.CancellationToken);
        await Stack.Blobs.PutBytesAsync(BlobPath.Parse(Reference), PortraitPainter.PaintPng(64), true, TestContext.Current.CancellationToken);
        await Stack.Blobs.PutBytesAsync(BlobPath.Parse(Audio), await ToneWavAsync(1.0), true, TestContext.Current.CancellationToken);
        await Stack.Blobs.PutBytesAsync(BlobPath.Parse(Broken), System.Text.Encoding.UTF8.GetBytes("this is not a picture"), true,
            TestContext.Current.CancellationToken);
        StartupTime = clock.Elapsed;
    }

    /// <summary>
    /// Runs <c>echomimic ARGS</c> through <see cref="Program.Main"/> as a user's shell would, capturing stdout,
    /// stderr and the progress display (Spectre.Console's non-interactive renderer).
    /// </summary>
    public static async Task<CliRun> RunCliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var progress = new StringWriter();
        var (previousOut, previousError, previousConsole) = (Console.Out, Console.Error, AnsiConsole.Console);
        Console.SetOut(output);
        Console.SetError(error);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(progress),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        var clock = Stopwatch.StartNew();
        try
        {
            var code = await Task.Run(() => Program.Main(args));
            return new CliRun(code, output.ToString(), error.ToString(), progress.ToString(), clock.Elapsed);
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
            AnsiConsole.Console = previousConsole;
        }
    }

    public static async Task<byte[]> ToneWavAsync(double seconds)
    {
        var file = Path.Combine(Path.GetTempPath(), $"tone-{Guid.NewGuid():N}.wav");
        try
        {
            var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { "-v", "error", "-f", "lavfi", "-i",
                $"sine=frequency=220:sample_rate=16000:duration={seconds.ToString(CultureInfo.InvariantCulture)}", "-ac", "1", "-y", file })
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info)!;
            await process.WaitForExitAsync();
            return await File.ReadAllBytesAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Stack is not null) await Stack.DisposeAsync();
        if (Receiver is not null) await Receiver.DisposeAsync();
        if (azurite is not null) await azurite.DisposeAsync();
        loggerFactory?.Dispose();
        Directory.Delete(scratch, recursive: true);
    }

    /// <summary>One CLI invocation: exit code, stdout, stderr, the progress display, and how long it took.</summary>
    public sealed record CliRun(int ExitCode, string Output, string Error, string Progress, TimeSpan Elapsed);
}
