using EchoMimic.Core.Jobs;

namespace EchoMimic.Core.Tests;

public sealed class RenderJobSpecReaderTests
{
    [Fact]
    public void Minimal_spec_gets_the_official_standard_defaults()
    {
        var spec = RenderJobSpecReader.Read(SpecSamples.Minimal);

        Assert.Equal("uploads/job1/ref.png", spec.Inputs.Reference);
        Assert.Equal("fight", spec.Inputs.Pose.Gesture);
        Assert.Null(spec.Inputs.Pose.Folder);
        // infer.py defaults: 30 steps, cfg 2.5, 768x768, 24 fps, seed 420.
        Assert.Equal(new RenderSettings(RenderMode.Standard, 30, 2.5, 420, 768, 768, 24), spec.Settings);
        Assert.Equal("video.mp4", spec.OutputName);
        Assert.Null(spec.WebhookUrl);
        Assert.Empty(spec.Metadata);
    }

    [Fact]
    public void Preview_mode_is_a_job_setting_with_the_standard_size_defaults()
    {
        var spec = RenderJobSpecReader.Read(SpecSamples.Full.Replace("\"accelerated\"", "\"preview\"", StringComparison.Ordinal));

        Assert.Equal(RenderMode.Preview, spec.Settings.Mode);
        Assert.Equal((512, 640, 25), (spec.Settings.Width, spec.Settings.Height, spec.Settings.Fps));
    }

    [Fact]
    public void Accelerated_mode_starts_from_the_accelerated_defaults_and_keeps_overrides()
    {
        var spec = RenderJobSpecReader.Read(SpecSamples.Full);

        // infer_acc.py: cfg 1.0; steps overridden to 8.
        Assert.Equal(new RenderSettings(RenderMode.Accelerated, 8, 1.0, 7, 512, 640, 25) { Precision = Precision.Bf16 }, spec.Settings);
        Assert.Equal("uploads/job1/pose/", spec.Inputs.Pose.Folder);
        Assert.Equal(new Uri("https://hooks.example.com/echo"), spec.WebhookUrl);
        Assert.Equal("acme", spec.Metadata["customer"]);
        Assert.Equal("order-42", spec.IdempotencyKey);
        Assert.Equal("hello.mp4", spec.OutputName);
    }

    [Fact]
    public void Written_spec_reads_back_identically()
    {
        var spec = RenderJobSpecReader.Read(SpecSamples.Full);

        var again = RenderJobSpecReader.Read(RenderJobSpecReader.Write(spec));

        Assert.Equal(spec.Settings, again.Settings);
        Assert.Equal(spec.Inputs, again.Inputs);
        Assert.Equal(spec.Metadata, again.Metadata);
        Assert.Equal(spec.WebhookUrl, again.WebhookUrl);
        Assert.Equal(spec.IdempotencyKey, again.IdempotencyKey);
    }

    [Theory]
    [InlineData("bf16", Precision.Bf16)]
    [InlineData("fp16", Precision.Fp16)]
    [InlineData("fp32", Precision.Fp32)]
    public void Precision_is_read_and_written_back(string text, Precision expected)
    {
        var json = $$$"""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}},"settings":{"precision":"{{{text}}}"}}""";

        var spec = RenderJobSpecReader.Read(json);
        var again = RenderJobSpecReader.Read(RenderJobSpecReader.Write(spec));

        Assert.Equal(expected, spec.Settings.Precision);
        Assert.Equal(expected, again.Settings.Precision);
        Assert.Contains($"\"precision\":\"{text}\"", RenderJobSpecReader.Write(spec), StringComparison.Ordinal);
    }

    [Fact]
    public void Precision_left_out_is_the_workers_choice()
    {
        var spec = RenderJobSpecReader.Read(SpecSamples.Minimal);

        Assert.Null(spec.Settings.Precision);
        Assert.DoesNotContain("precision", RenderJobSpecReader.Write(spec), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{", "job.json", "is not valid JSON")]
    [InlineData("[]", "job.json", "must be a JSON object")]
    [InlineData("""{"inputs":{}}""", "job.json:schemaVersion", "is required")]
    [InlineData("""{"schemaVersion":2}""", "job.json:schemaVersion", "version 2 is not supported")]
    [InlineData("""{"schemaVersion":1}""", "job.json:inputs", "is required")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}},"sed":1}""", "job.json:sed", "is not a known field")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"renders/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}}}""", "job.json:inputs.reference", "must be in the 'uploads' container")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.gif","audio":"uploads/a.wav","pose":{"gesture":"x"}}}""", "job.json:inputs.reference", "must end in one of")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/../a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}}}""", "job.json:inputs.reference", "is not a blob path")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.txt","pose":{"gesture":"x"}}}""", "job.json:inputs.audio", "must end in one of")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{}}}""", "job.json:inputs.pose", "exactly one of")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x","folder":"uploads/p"}}}""", "job.json:inputs.pose", "exactly one of")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"Fight!"}}}""", "job.json:inputs.pose.gesture", "lower-case")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}},"settings":{"steps":0}}""", "job.json:settings.steps", "between 1 and 200, got 0")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}},"settings":{"steps":"30"}}""", "job.json:settings.steps", "must be an integer, got the string \"30\"")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}},"settings":{"cfg":-1}}""", "job.json:settings.cfg", "between 0 and 20")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}},"settings":{"width":500}}""", "job.json:settings.width", "multiple of 8")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}},"settings":{"mode":"fast"}}""", "job.json:settings.mode", "'standard', 'accelerated' or 'preview'")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}},"settings":{"seed":-5}}""", "job.json:settings.seed", "between 0 and")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}},"settings":{"precision":"int8"}}""", "job.json:settings.precision", "must be fp32, bf16 or fp16")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}},"output":{"name":"../x.mp4"}}""", "job.json:output.name", "ending in .mp4")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}},"webhook":{"url":"ftp://x/y"}}""", "job.json:webhook.url", "http or https")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}},"metadata":{"n":1}}""", "job.json:metadata.n", "must be a string")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"}},"idempotencyKey":""}""", "job.json:idempotencyKey", "must not be empty")]
    public void Invalid_spec_names_the_field_and_the_problem(string json, string input, string problem)
    {
        var error = Assert.Throws<InputException>(() => RenderJobSpecReader.Read(json));

        Assert.Equal(input, error.Input);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_much_metadata_is_refused()
    {
        var entries = string.Join(",", Enumerable.Range(0, 33).Select(i => $"\"k{i}\":\"v\""));
        var json = SpecSamples.Minimal.TrimEnd().TrimEnd('}') + $",\"metadata\":{{{entries}}}}}";

        var error = Assert.Throws<InputException>(() => RenderJobSpecReader.Read(json));

        Assert.Equal("job.json:metadata", error.Input);
    }
}
