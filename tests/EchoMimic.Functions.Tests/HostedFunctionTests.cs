using System.Text.Json;
using EchoMimic.Core;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;
using EchoMimic.Core.Webhooks;
using EchoMimic.Functions.Hosting;
using EchoMimic.Functions.Maintenance;
using EchoMimic.Functions.Results;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Orchestration.Activities;
using EchoMimic.Orchestration.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;
using static EchoMimic.Functions.Tests.Fakes;

namespace EchoMimic.Functions.Tests;

/// <summary>The queue, timer, orchestrator and activity functions, called directly.</summary>
public sealed class HostedFunctionTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("blobs-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static SegmentResult Result(int segment) => new("job-1", segment, 2, SegmentOutcome.Succeeded, "worker-7",
        Now, Now.AddSeconds(40), $"work/job-1/segments/{segment:D4}.mp4", null, 132);

    private static string Envelope(SegmentResult result) => new QueueEnvelope<SegmentResult>(result.MessageId, result).ToJson();

    [Fact]
    public async Task Segment_result_raises_segment_k_on_a_running_job()
    {
        var client = Client();
        client.HasInstance("job-1", OrchestrationRuntimeStatus.Running);

        var raised = await new SegmentResultsFunction(NullLogger<SegmentResultsFunction>.Instance).Run(Envelope(Result(3)), client, Ct);

        Assert.True(raised);
        await client.Received(1).RaiseEventAsync("job-1", "segment-3", Result(3), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Late_result_for_an_ended_or_unknown_job_is_dropped()
    {
        var client = Client();
        client.HasInstance("job-1", OrchestrationRuntimeStatus.Completed);
        var function = new SegmentResultsFunction(NullLogger<SegmentResultsFunction>.Instance);

        Assert.False(await function.Run(Envelope(Result(0)), client, Ct));
        Assert.False(await function.Run(Envelope(Result(0) with { JobId = "gone" }), client, Ct));

        await client.DidNotReceiveWithAnyArgs().RaiseEventAsync(default!, default!, default, Ct);
    }

    [Fact]
    public async Task Unreadable_or_newer_schema_result_fails_so_the_queue_poisons_it()
    {
        var client = Client();
        client.HasInstance("job-1", OrchestrationRuntimeStatus.Running);
        var function = new SegmentResultsFunction(NullLogger<SegmentResultsFunction>.Instance);

        await Assert.ThrowsAsync<JsonException>(() => function.Run("not json", client, Ct));
        await Assert.ThrowsAsync<NotSupportedException>(() =>
            function.Run(Envelope(Result(1) with { SchemaVersion = 99 }), client, Ct));
        await client.DidNotReceiveWithAnyArgs().RaiseEventAsync(default!, default!, default, Ct);
    }

    [Fact]
    public async Task Cleanup_deletes_only_work_blobs_older_than_the_retention()
    {
        var blobs = new FileSystemBlobStore(root);
        var old = new BlobPath(BlobContainers.Work, "job-old/segments/0000.mp4");
        var fresh = new BlobPath(BlobContainers.Work, "job-new/segments/0000.mp4");
        var output = new BlobPath(BlobContainers.Renders, "job-old/video.mp4");
        foreach (var path in new[] { old, fresh, output })
        {
            await blobs.PutTextAsync(path, "x", overwrite: false, Ct);
        }

        var clock = new FixedTime((await blobs.GetInfoAsync(old, Ct))!.LastModified.AddDays(7.5));
        var settings = Options.Create(new Functions.EchoMimicSettings { WorkRetentionDays = 7 });
        var store = Substitute.ForPartsOf<BlobStoreWithAges>(blobs, new Dictionary<BlobPath, TimeSpan> { [fresh] = TimeSpan.FromDays(7) });

        var deleted = await new WorkCleanupFunction(store, settings, clock, NullLogger<WorkCleanupFunction>.Instance)
            .Run(new TimerInfo(), Ct);

        Assert.Equal(1, deleted);
        Assert.Null(await blobs.GetInfoAsync(old, Ct));
        Assert.NotNull(await blobs.GetInfoAsync(fresh, Ct));
        Assert.NotNull(await blobs.GetInfoAsync(output, Ct));
    }

    [Fact]
    public async Task Orchestrator_wrappers_refuse_a_missing_input_naming_the_instance()
    {
        var context = Substitute.For<TaskOrchestrationContext>();
        context.InstanceId.Returns("job-9");

        var render = await Assert.ThrowsAsync<InvalidOperationException>(() => OrchestratorFunctions.RenderJob(context));
        await Assert.ThrowsAsync<InvalidOperationException>(() => OrchestratorFunctions.Campaign(context));
        await Assert.ThrowsAsync<InvalidOperationException>(() => OrchestratorFunctions.WebhookDelivery(context));

        Assert.Contains("job-9", render.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activity_wrappers_run_the_library_activities_on_the_registered_ports()
    {
        var blobs = new FileSystemBlobStore(root);
        var index = new InMemoryJobIndex();
        var queue = Substitute.For<ISegmentQueue>();
        var transport = Substitute.For<IWebhookTransport>();
        transport.PostAsync(Arg.Any<Uri>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Returns(new WebhookResponse(204, null));
        var services = new ServiceCollection()
            .AddSingleton<IBlobStore>(blobs).AddSingleton<IJobIndex>(index).AddSingleton(queue)
            .AddSingleton(transport).AddSingleton<TimeProvider>(new FixedTime(Now))
            .AddSingleton(new WebhookSigner(WebhookSigner.NewSecret())).AddSingleton(WebhookTargetPolicy.PublicOnly)
            .BuildServiceProvider();
        var activities = new ActivityFunctions(services);
        var context = Context(services, "job-1");
        var spec = RenderJobSpecReader.Read(ValidJobJson);
        await blobs.PutTextAsync(BlobPath.Parse(spec.Inputs.Reference), "png", overwrite: false, Ct);

        var missing = await activities.CheckInputs(spec.Inputs, context);
        var task = new SegmentTask("job-1", new Segment(0, 0, 120, 0, 132), 2, 1, spec.Settings, "work/job-1/prepared.json",
            "work/job-1/segments/0000.mp4", "work/job-1/segments/0000.latents", Now);
        var dispatched = await activities.DispatchSegment(task, context);
        var stitched = await activities.LocateOutputs(new StitchResult("renders/job-1/video.mp4", "renders/job-1/poster.jpg",
            "renders/job-1/report.json", 240, 10, 1.1), context);
        await activities.RecordJobStatus(new JobStatusUpdate("job-1", JobStatus.Running, "rendering", 1, 2), context);
        var webhookEvent = new WebhookEvent("evt-1", WebhookEventTypes.JobSucceeded, Now, "{}");
        var sent = await activities.SendWebhook(new WebhookAttempt(new WebhookDeliveryInput("job-1",
            new Uri("https://hooks.example.com/x"), webhookEvent, WebhookRetryPolicy.Default), 1), context);

        Assert.Equal(["uploads/acme/job-1/speech.wav"], missing);
        Assert.True(dispatched);
        await queue.Received(1).SendAsync(Arg.Is<IReadOnlyList<QueueMessage<SegmentTask>>>(m => m.Count == 1 && m[0].MessageId == "job-1:0:1"),
            Arg.Any<CancellationToken>());
        Assert.EndsWith("renders/job-1/video.mp4", stitched.VideoUrl, StringComparison.Ordinal);
        Assert.Equal((JobStatus.Running, 1), ((await index.GetAsync("job-1", Ct))!.Status, (await index.GetAsync("job-1", Ct))!.SegmentsDone));
        Assert.True(sent.Delivered);
        await transport.Received(1).PostAsync(new Uri("https://hooks.example.com/x"),
            Arg.Is<IReadOnlyDictionary<string, string>>(h => h.ContainsKey(WebhookSigner.SignatureHeader)), "{}", Arg.Any<CancellationToken>());
    }

    [Fact]
    public void Every_library_orchestrator_and_activity_has_a_wrapper_with_its_class_name()
    {
        var library = typeof(RenderJobSpecReader).Assembly == typeof(InputException).Assembly
            ? typeof(CheckInputsActivity).Assembly
            : throw new InvalidOperationException();
        var tasks = library.GetTypes()
            .Where(t => !t.IsAbstract && t.BaseType is { IsGenericType: true } b
                && (b.GetGenericTypeDefinition() == typeof(TaskOrchestrator<,>) || b.GetGenericTypeDefinition() == typeof(TaskActivity<,>)))
            .Select(t => t.Name)
            .ToHashSet();
        var functions = FunctionCatalog.All()
            .Where(f => f.Trigger is "orchestrationTrigger" or "activityTrigger")
            .Select(f => f.Name)
            .ToHashSet();

        Assert.NotEmpty(tasks);
        Assert.Equal(tasks.Order(), functions.Order());
    }
}

/// <summary>A file-system store whose listing reports some blobs as younger than their files (to test retention).</summary>
public class BlobStoreWithAges(IBlobStore inner, IReadOnlyDictionary<BlobPath, TimeSpan> youngerBy) : IBlobStore
{
    public virtual Task<bool> PutAsync(BlobPath path, Stream content, bool overwrite, CancellationToken cancellationToken) =>
        inner.PutAsync(path, content, overwrite, cancellationToken);

    public virtual Task<Stream?> OpenReadAsync(BlobPath path, CancellationToken cancellationToken) => inner.OpenReadAsync(path, cancellationToken);

    public virtual Task<BlobInfo?> GetInfoAsync(BlobPath path, CancellationToken cancellationToken) => inner.GetInfoAsync(path, cancellationToken);

    public virtual async IAsyncEnumerable<BlobInfo> ListAsync(string container, string prefix,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var blob in inner.ListAsync(container, prefix, cancellationToken))
        {
            yield return youngerBy.TryGetValue(blob.Path, out var age) ? blob with { LastModified = blob.LastModified + age } : blob;
        }
    }

    public virtual Task<bool> DeleteAsync(BlobPath path, CancellationToken cancellationToken) => inner.DeleteAsync(path, cancellationToken);

    public virtual Uri GetUri(BlobPath path) => inner.GetUri(path);
}
