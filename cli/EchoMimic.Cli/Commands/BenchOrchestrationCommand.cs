using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Webhooks;
using EchoMimic.Worker;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.DurableTask;
using EchoMimic.LocalHosts;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Orchestration;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic bench orchestration</c>: what the control plane itself costs per segment. A job of N segments runs
/// through the real <see cref="RenderJobOrchestrator"/>, activities, segment queue, workers and result forwarder, but
/// with a zero-cost preparer, renderer and stitcher (benchmark stand-ins, defined here only), so the wall time from
/// scheduling to the completed orchestration is pure orchestration: dispatch, queue hops, events, replays. Runs on
/// the in-memory Durable Task host and, when a storage account is given or Azurite is installed under .tools, on the
/// Durable Task Azure Storage provider (the local stack's engine). Prints time per job and the marginal cost per segment.
/// </summary>
public sealed class BenchOrchestrationCommand : IBenchmarkCommand
{
    public Command Build()
    {
        var counts = new Option<string>("--segments") { Description = "comma-separated segment counts", DefaultValueFactory = _ => "1,8,32" };
        var workers = new Option<int>("--workers") { Description = "in-process workers", DefaultValueFactory = _ => 2 };
        var connection = new Option<string?>("--connection") { Description = "storage account for the Azure Storage run (default $ECHOMIMIC_STORAGE, else Azurite from .tools, else skipped)" };
        var command = new Command("orchestration", "orchestration overhead per segment (zero-cost renderer) on the in-memory and Azurite engines") { counts, workers, connection };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(counts)!, parse.GetValue(workers), parse.GetValue(connection), ct));
        return command;
    }

    public static async Task<int> RunAsync(string countList, int workers, string? connection, CancellationToken ct)
    {
        var counts = countList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => int.TryParse(c, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new Core.InputException("--segments", $"'{c}' is not a positive number"))
            .ToList();
        Console.WriteLine(MachineDescription.Line());
        var root = Directory.CreateTempSubdirectory("bench-orchestration-").FullName;
        try
        {
            var blobs = new FileSystemBlobStore(Path.Combine(root, "blobs"));
            var segments = new InMemorySegmentQueue();
            var results = new InMemoryResultQueue();
            await using (var host = await InMemoryDurableTaskHost.StartAsync(r => r.AddEchoMimicOrchestrations(),
                             s => Register(s, blobs, segments, results, new InMemoryJobIndex()), ct,
                             Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance))
            {
                await MeasureAsync("in-memory host", host.Client, blobs, segments, results, counts, workers, root, ct);
            }

            connection ??= Environment.GetEnvironmentVariable("ECHOMIMIC_STORAGE");
            await using var azurite = connection is null ? await AzuriteProcess.TryStartAsync(root) : null;
            connection ??= azurite?.ConnectionString;
            if (connection is null)
            {
                Console.WriteLine("Azure Storage provider: skipped (no --connection, no $ECHOMIMIC_STORAGE, no .tools/node_modules/.bin/azurite)");
                return 0;
            }

            var azureBlobs = new AzureBlobStore(new BlobServiceClient(connection));
            var queues = new QueueServiceClient(connection);
            var azureSegments = new AzureStorageSegmentQueue(queues, "bench-segments");
            var azureResults = new AzureResultQueue(queues, "bench-results");
            var index = new AzureTableJobIndex(new TableServiceClient(connection), "benchjobs");
            await using (var host = await AzureStorageDurableTaskHost.StartAsync(connection, "bench" + Guid.NewGuid().ToString("N")[..8], "bench",
                             r => r.AddEchoMimicOrchestrations(), s => Register(s, azureBlobs, azureSegments, azureResults, index), cancellationToken: ct))
            {
                await MeasureAsync("Azure Storage provider on Azurite", host.Client, azureBlobs, azureSegments, azureResults, counts, workers, root, ct);
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Register(IServiceCollection services, IBlobStore blobs, ISegmentQueue segments, IResultQueue results, IJobIndex index)
    {
        services.AddSingleton(blobs);
        services.AddSingleton(segments);
        services.AddSingleton(results);
        services.AddSingleton(index);
        services.AddSingleton(WebhookTargetPolicy.AllowPrivate);
        services.AddSingleton<IWebhookTransport>(new Infrastructure.Webhooks.HttpWebhookTransport(WebhookTargetPolicy.AllowPrivate));
        services.AddSingleton(new WebhookSigner(WebhookSigner.NewSecret()));
        services.AddSingleton(TimeProvider.System);
    }

    private static async Task MeasureAsync(string engine, DurableTaskClient client, IBlobStore blobs, ISegmentQueue segments, IResultQueue results,
        IReadOnlyList<int> counts, int workers, string root, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loops = new List<Task> { Task.Run(() => new SegmentResultForwarder(results, client).RunAsync(stop.Token), CancellationToken.None) };
        for (var i = 0; i < workers; i++)
        {
            var worker = new SegmentWorker(segments, results, blobs, new ZeroCostPreparer(), new ZeroCostRenderer(), new ZeroCostStitcher(),
                new SegmentWorkerOptions($"bench-{i}") { ReceiveWait = TimeSpan.FromMilliseconds(500), ScratchRoot = Path.Combine(root, $"worker-{i}") },
                TimeProvider.System);
            loops.Add(Task.Run(() => worker.RunAsync(stop.Token), CancellationToken.None));
        }

        await blobs.PutBytesAsync(BlobPath.Parse("uploads/bench/ref.png"), new byte[] { 1 }, true, ct);
        await blobs.PutBytesAsync(BlobPath.Parse("uploads/bench/speech.wav"), new byte[] { 1 }, true, ct);
        var options = RenderJobOptions.Default with { SegmentLength = 24, Overlap = 12 };
        var measured = new List<(int Segments, double Seconds)>();
        foreach (var count in counts.Prepend(1)) // the first job warms up the host (JIT, queues, tables); not reported
        {
            // Frames = 24 per segment: the planner cuts exactly `count` segments of 24 frames.
            var spec = $$$"""{"schemaVersion":1,"inputs":{"reference":"uploads/bench/ref.png","audio":"uploads/bench/speech.wav","pose":{"gesture":"talk"}},"metadata":{"frames":"{{{count * 24}}}"}}""";
            var start = RenderJobIntake.AcceptJob(spec, "bench", options, null, Random.Shared);
            var clock = Stopwatch.StartNew();
            await client.ScheduleNewOrchestrationInstanceAsync(start.Orchestrator, start.Input, new Microsoft.DurableTask.StartOrchestrationOptions(start.InstanceId), ct);
            var done = await client.WaitForInstanceCompletionAsync(start.InstanceId, getInputsAndOutputs: true, ct);
            var seconds = clock.Elapsed.TotalSeconds;
            var outcome = done.ReadOutputAs<RenderJobOutcome>();
            if (outcome?.Status != JobStatus.Succeeded || outcome.Segments.Count != count)
            {
                throw new InvalidOperationException($"bench job of {count} segments ended {done.RuntimeStatus} {outcome?.Status}: {outcome?.Error ?? done.FailureDetails?.ErrorMessage}");
            }

            measured.Add((count, seconds));
        }

        measured.RemoveAt(0);
        await stop.CancelAsync();
        await Task.WhenAll(loops.Select(l => l.ContinueWith(_ => { }, TaskScheduler.Default)));
        foreach (var (n, s) in measured)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{engine}: {n} segments in {s:F2} s wall ({s / n * 1000:F0} ms per segment, {workers} workers, zero-cost render)"));
        }

        if (measured.Count >= 2)
        {
            var (n0, s0) = measured.MinBy(m => m.Segments);
            var (n1, s1) = measured.MaxBy(m => m.Segments);
            if (n1 > n0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{engine}: marginal cost {(s1 - s0) / (n1 - n0) * 1000:F0} ms per extra segment ({n0} -> {n1} segments); fixed cost per job ~{s0 - n0 * (s1 - s0) / (n1 - n0):F2} s"));
            }
        }
    }

    /// <summary>Prepare that reads nothing: the frame count comes from the spec's metadata.</summary>
    private sealed class ZeroCostPreparer : IJobPreparer
    {
        public Task<PreparedJob> PrepareAsync(string jobId, RenderJobSpec spec, CancellationToken cancellationToken)
        {
            var frames = int.Parse(spec.Metadata["frames"], CultureInfo.InvariantCulture);
            return Task.FromResult(new PreparedJob(jobId, frames, 24, frames / 24.0, "bench", spec.Inputs.Reference, spec.Inputs.Audio, "work/none", "work/none/"));
        }
    }

    /// <summary>A "clip" of one byte: the worker uploads it and reports, as it would a rendered one.</summary>
    private sealed class ZeroCostRenderer : ISegmentRenderer
    {
        public async Task<RenderedSegment> RenderAsync(SegmentRenderRequest request, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(request.ScratchDirectory);
            var file = Path.Combine(request.ScratchDirectory, "clip.mp4");
            await File.WriteAllBytesAsync(file, [0], cancellationToken);
            return new RenderedSegment(file, request.Task.Segment.RenderedFrames);
        }
    }

    private sealed class ZeroCostStitcher : IClipStitcher
    {
        public Task<StitchResult> StitchAsync(StitchRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new StitchResult(request.VideoBlob, request.PosterBlob, request.ReportBlob, request.Prepared.FrameCount,
                request.Prepared.AudioSeconds, null));
    }

    /// <summary>Azurite from the repository's .tools (installed by .ci/run) on free loopback ports, stopped afterwards.</summary>
    private sealed class AzuriteProcess(Process process, string connectionString) : IAsyncDisposable
    {
        public string ConnectionString => connectionString;

        public static async Task<AzuriteProcess?> TryStartAsync(string root)
        {
            var executable = FindUp(Path.Combine(".tools", "node_modules", ".bin", "azurite"));
            if (executable is null) return null;
            var ports = Enumerable.Range(0, 3).Select(_ => FreePort()).ToArray();
            var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "--silent", "--location", Path.Combine(root, "azurite"), "--blobPort", ports[0].ToString(CultureInfo.InvariantCulture),
                         "--queuePort", ports[1].ToString(CultureInfo.InvariantCulture), "--tablePort", ports[2].ToString(CultureInfo.InvariantCulture),
                         "--skipApiVersionCheck", "--disableProductStyleUrl" })
            {
                info.ArgumentList.Add(argument);
            }

            var process = Process.Start(info)!;
            foreach (var port in ports)
            {
                for (var tries = 0; ; tries++)
                {
                    try
                    {
                        using var probe = new TcpClient();
                        await probe.ConnectAsync(IPAddress.Loopback, port);
                        break;
                    }
                    catch (SocketException) when (tries < 300 && !process.HasExited)
                    {
                        await Task.Delay(100);
                    }
                }
            }

            // Azurite's published development account key (the same in every install; not a secret).
            const string key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
            return new AzuriteProcess(process, "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + key
                + $";BlobEndpoint=http://127.0.0.1:{ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{ports[1]}/devstoreaccount1"
                + $";TableEndpoint=http://127.0.0.1:{ports[2]}/devstoreaccount1;");
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        private static string? FindUp(string relative)
        {
            foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            {
                for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
                {
                    var candidate = Path.Combine(directory.FullName, relative);
                    if (File.Exists(candidate)) return candidate;
                }
            }

            return null;
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
