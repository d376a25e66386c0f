using EchoMimic.Core;
using EchoMimic.Orchestration.Intake;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Tests.Support;

namespace EchoMimic.Orchestration.Tests;

public sealed class IntakeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("{ not json", "job.json")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/x/ref.png","audio":"uploads/x/a.wav","pose":{"gesture":"talk"}},"settings":{"fps":0}}""", "job.json:settings.fps")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/x/ref.png","audio":"uploads/x/a.wav","pose":{"gesture":"talk"}},"webhook":{"url":"gopher://x"}}""", "job.json:webhook.url")]
    public async Task Invalid_job_is_rejected_before_anything_is_scheduled_or_stored(string json, string input)
    {
        await using var plane = await ControlPlane.StartAsync(workers: 0);
        var filesBefore = Directory.GetFiles(plane.Root, "*", SearchOption.AllDirectories).Length;

        var error = await Assert.ThrowsAsync<InputException>(() => plane.SubmitAsync(json, "job-bad"));

        Assert.Equal(input, error.Input);
        Assert.Null(await plane.Client.GetInstanceAsync("job-bad", Ct));
        Assert.Equal(filesBefore, Directory.GetFiles(plane.Root, "*", SearchOption.AllDirectories).Length);
        Assert.Null(await plane.Index.GetAsync("job-bad", Ct));
    }

    [Theory]
    [InlineData("audio\nuploads/x/a.wav", "rows.csv:row 1 (line 2):inputs.reference", "is required")]
    [InlineData("reference,audio,seed\nuploads/x/r.png,uploads/x/a.wav,lots", "rows.csv:row 1 (line 2):settings.seed", "not an integer")]
    [InlineData("id,reference,audio\nA_1,uploads/x/r.png,uploads/x/a.wav", "rows.csv:row 1 (line 2):id", "lower-case")]
    public void Invalid_manifest_is_rejected_whole(string manifest, string input, string problem)
    {
        var error = Assert.Throws<InputException>(() => RenderJobIntake.AcceptCampaign(manifest, "rows.csv",
            """{"inputs":{"pose":{"gesture":"talk"}}}""", "camp-x", 4, null, RenderJobOptions.Default, new Random(1)));

        Assert.Equal(input, error.Input);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Campaign_settings_are_checked()
    {
        const string manifest = "reference,audio,gesture\nuploads/x/r.png,uploads/x/a.wav,talk";

        Assert.Equal("max concurrent rows", Assert.Throws<InputException>(() => RenderJobIntake.AcceptCampaign(manifest, "rows.csv", null,
            "camp-x", 0, null, RenderJobOptions.Default, new Random(1))).Input);
        Assert.Equal("campaign id", Assert.Throws<InputException>(() => RenderJobIntake.AcceptCampaign(manifest, "rows.csv", null,
            "Camp X", 2, null, RenderJobOptions.Default, new Random(1))).Input);
        Assert.Equal("rows.xlsx", Assert.Throws<InputException>(() => RenderJobIntake.AcceptCampaign(manifest, "rows.xlsx", null,
            "camp-x", 2, null, RenderJobOptions.Default, new Random(1))).Input);
    }

    [Fact]
    public void Same_idempotency_key_gives_the_same_job_id()
    {
        var plane = """{"schemaVersion":1,"inputs":{"reference":"uploads/x/ref.png","audio":"uploads/x/a.wav","pose":{"gesture":"talk"}},"idempotencyKey":"order-7"}""";

        var first = RenderJobIntake.AcceptJob(plane, "job.json", RenderJobOptions.Default, null, new Random(1));
        var second = RenderJobIntake.AcceptJob(plane, "job.json", RenderJobOptions.Default, null, new Random(2));

        Assert.Equal(first.InstanceId, second.InstanceId);
        Assert.StartsWith("job-", first.InstanceId, StringComparison.Ordinal);
        Assert.NotEqual(
            RenderJobIntake.AcceptJob(plane.Replace("order-7", "order-8"), "job.json", RenderJobOptions.Default, null, new Random(1)).InstanceId,
            first.InstanceId);
    }
}
