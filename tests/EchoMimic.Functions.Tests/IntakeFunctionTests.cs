using EchoMimic.Core.Ports;
using EchoMimic.Functions.Intake;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Orchestration.Campaigns;
using EchoMimic.Orchestration.RenderJobs;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using static EchoMimic.Functions.Tests.Fakes;

namespace EchoMimic.Functions.Tests;

public sealed class IntakeFunctionTests
{
    [Fact]
    public async Task Job_json_starts_the_render_orchestration_with_the_folder_as_job_id()
    {
        var index = Index();
        var client = Client();
        var function = new UploadIntakeFunction(Starter(index), index, Settings(), new FixedTime(Now), NullLogger<UploadIntakeFunction>.Instance);

        var result = await function.Run(ValidJobJson, "acme/job-1/job.json", client, Ct);

        Assert.Equal(new StartResult("acme-job-1", true), result);
        await client.Received(1).ScheduleNewOrchestrationInstanceAsync(
            Arg.Is<TaskName>(n => n.Name == nameof(RenderJobOrchestrator)),
            Arg.Is<object?>(input => IsRenderInput(input)),
            Arg.Is<StartOrchestrationOptions?>(o => o!.InstanceId == "acme-job-1"),
            Arg.Any<CancellationToken>());
        var record = await index.GetAsync("acme-job-1", Ct);
        Assert.Equal(JobStatus.Pending, record?.Status);
        Assert.Equal("order-17", record?.IdempotencyKey);
    }

    [Fact]
    public async Task Duplicate_event_for_an_existing_instance_starts_nothing()
    {
        var index = Index();
        var client = Client();
        client.HasInstance("acme-job-1", OrchestrationRuntimeStatus.Running);
        var function = new UploadIntakeFunction(Starter(index), index, Settings(), new FixedTime(Now), NullLogger<UploadIntakeFunction>.Instance);

        var result = await function.Run(ValidJobJson, "acme/job-1/job.json", client, Ct);

        Assert.Equal(new StartResult("acme-job-1", false), result);
        await client.DidNotReceiveWithAnyArgs().ScheduleNewOrchestrationInstanceAsync(default, default, default, Ct);
    }

    [Fact]
    public async Task Concurrent_duplicate_that_loses_the_start_race_starts_nothing()
    {
        var index = Index();
        var client = Client();
        client.ScheduleNewOrchestrationInstanceAsync(Arg.Any<TaskName>(), Arg.Any<object?>(), Arg.Any<StartOrchestrationOptions?>(),
                Arg.Any<CancellationToken>())
            .Returns<string>(_ => throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.AlreadyExists, "exists")));
        var function = new UploadIntakeFunction(Starter(index), index, Settings(), new FixedTime(Now), NullLogger<UploadIntakeFunction>.Instance);

        var result = await function.Run(ValidJobJson, "acme/job-1/job.json", client, Ct);

        Assert.Equal(new StartResult("acme-job-1", false), result);
    }

    [Fact]
    public async Task Same_idempotency_key_in_another_folder_starts_nothing()
    {
        var index = Index();
        await index.AddOrGetAsync(new JobRecord("other-job", JobStatus.Running, Now, Now, "order-17"), Ct);
        var client = Client();
        var function = new UploadIntakeFunction(Starter(index), index, Settings(), new FixedTime(Now), NullLogger<UploadIntakeFunction>.Instance);

        var result = await function.Run(ValidJobJson, "acme/job-1/job.json", client, Ct);

        Assert.Equal(new StartResult("other-job", false), result);
        await client.DidNotReceiveWithAnyArgs().ScheduleNewOrchestrationInstanceAsync(default, default, default, Ct);
    }

    [Theory]
    [InlineData("acme/job-1/speech.wav")]
    [InlineData("acme/job-1/job.json.bak")]
    [InlineData("job.json")]
    public async Task Other_blobs_and_folderless_job_json_start_nothing(string name)
    {
        var index = Index();
        var client = Client();
        var function = new UploadIntakeFunction(Starter(index), index, Settings(), new FixedTime(Now), NullLogger<UploadIntakeFunction>.Instance);

        Assert.Null(await function.Run(ValidJobJson, name, client, Ct));

        await client.DidNotReceiveWithAnyArgs().ScheduleNewOrchestrationInstanceAsync(default, default, default, Ct);
        Assert.Empty(await index.ListAsync(null, 10, Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Invalid_job_json_is_recorded_as_failed_with_the_field_and_starts_nothing()
    {
        var index = Index();
        var client = Client();
        var function = new UploadIntakeFunction(Starter(index), index, Settings(), new FixedTime(Now), NullLogger<UploadIntakeFunction>.Instance);

        var result = await function.Run(ValidJobJson.Replace("speech.wav", "speech.txt", StringComparison.Ordinal),
            "acme/job-2/job.json", client, Ct);

        Assert.Equal(new StartResult("acme-job-2", false), result);
        var record = await index.GetAsync("acme-job-2", Ct);
        Assert.Equal(JobStatus.Failed, record?.Status);
        Assert.Contains("audio", record?.Error, StringComparison.Ordinal);
        await client.DidNotReceiveWithAnyArgs().ScheduleNewOrchestrationInstanceAsync(default, default, default, Ct);
    }

    [Fact]
    public async Task Campaign_manifest_starts_one_campaign_with_its_defaults_and_rows()
    {
        var root = Directory.CreateTempSubdirectory("blobs-").FullName;
        try
        {
            var blobs = new FileSystemBlobStore(root);
            await blobs.PutTextAsync(new BlobPath("uploads", "spring/campaign.defaults.json"), """
                { "inputs": { "reference": "uploads/spring/ref.png", "pose": { "gesture": "fight" } } }
                """, overwrite: false, Ct);
            var client = Client();
            var function = new CampaignIntakeFunction(Starter(Index()), blobs, Settings(), NullLogger<CampaignIntakeFunction>.Instance);
            const string csv = "id,audio\na,uploads/spring/a.wav\nb,uploads/spring/b.wav\n";

            var result = await function.Run(csv, "spring/campaign.csv", client, Ct);
            client.HasInstance("spring", OrchestrationRuntimeStatus.Running, nameof(CampaignOrchestrator));
            var again = await function.Run(csv, "spring/campaign.csv", client, Ct);

            Assert.Equal(new StartResult("spring", true), result);
            Assert.Equal(new StartResult("spring", false), again);
            await client.Received(1).ScheduleNewOrchestrationInstanceAsync(
                Arg.Is<TaskName>(n => n.Name == nameof(CampaignOrchestrator)),
                Arg.Is<object?>(input => IsCampaignInput(input)),
                Arg.Is<StartOrchestrationOptions?>(o => o!.InstanceId == "spring"),
                Arg.Any<CancellationToken>());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Manifest_with_a_bad_row_starts_nothing()
    {
        var root = Directory.CreateTempSubdirectory("blobs-").FullName;
        try
        {
            var client = Client();
            var function = new CampaignIntakeFunction(Starter(Index()), new FileSystemBlobStore(root), Settings(),
                NullLogger<CampaignIntakeFunction>.Instance);

            var result = await function.Run("id,audio\na,uploads/spring/a.txt\n", "spring/campaign.csv", client, Ct);

            Assert.Null(result);
            await client.DidNotReceiveWithAnyArgs().ScheduleNewOrchestrationInstanceAsync(default, default, default, Ct);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static bool IsRenderInput(object? input) =>
        input is RenderJobInput r && r.Spec.Inputs.Audio == "uploads/acme/job-1/speech.wav"
        && r.Options.SegmentDeadline == TimeSpan.FromMinutes(20);

    private static bool IsCampaignInput(object? input) =>
        input is CampaignInput c && c.Rows.Count == 2 && c.Rows[1].Spec.Inputs.Reference == "uploads/spring/ref.png";
}
