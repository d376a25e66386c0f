using System.Text;
using EchoMimic.Core.Campaigns;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Segments;

namespace EchoMimic.Core.Tests;

/// <summary>
/// The kinds of invalid job spec and manifest that RenderJobSpecReaderTests and CampaignManifestReaderTests do not
/// cover yet: each is rejected with an <see cref="InputException"/> naming the field and the problem. (The readers
/// are pure: "changes nothing" for these is shown at the hosts, IntakeTests and the client command tests.)
/// </summary>
public sealed class InputErrorKindsTests
{
    private const string Inputs = "\"inputs\":{\"reference\":\"uploads/a.png\",\"audio\":\"uploads/a.wav\",\"pose\":{\"gesture\":\"x\"}}";

    [Theory]
    [InlineData("""{"schemaVersion":1,"inputs":5}""", "job.json:inputs", "must be a JSON object, got")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":5,"audio":"uploads/a.wav","pose":{"gesture":"x"}}}""", "job.json:inputs.reference", "must be a string, got")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"","audio":"uploads/a.wav","pose":{"gesture":"x"}}}""", "job.json:inputs.reference", "must not be empty")]
    [InlineData("""{"schemaVersion":1,"inputs":{"reference":"uploads/a.png","audio":"uploads/a.wav","pose":{"gesture":"x"},"extra":1}}""", "job.json:inputs.extra", "is not a known field")]
    [InlineData("""{"schemaVersion":"1",INPUTS}""", "job.json:schemaVersion", "version \"1\" is not supported")]
    [InlineData("""{"schemaVersion":1,INPUTS,"settings":{"cfg":"high"}}""", "job.json:settings.cfg", "must be a number, got")]
    [InlineData("""{"schemaVersion":1,INPUTS,"settings":{"height":100}}""", "job.json:settings.height", "must be a multiple of 8, got 100")]
    [InlineData("""{"schemaVersion":1,INPUTS,"settings":{"width":32}}""", "job.json:settings.width", "must be between 64 and 2048, got 32")]
    [InlineData("""{"schemaVersion":1,INPUTS,"settings":{"fps":0}}""", "job.json:settings.fps", "must be between")]
    [InlineData("""{"schemaVersion":1,INPUTS,"webhook":{"url":"not a url"}}""", "job.json:webhook.url", "http or https")]
    [InlineData("""{"schemaVersion":1,INPUTS,"webhook":{}}""", "job.json:webhook.url", "is required")]
    [InlineData("""{"schemaVersion":1,INPUTS,"metadata":{"KEYLONG":"v"}}""", "job.json:metadata", "keys must be 1 to 64 characters")]
    [InlineData("""{"schemaVersion":1,INPUTS,"metadata":{"k":"VALUELONG"}}""", "job.json:metadata.k", "must be at most 1024 characters, got 1025")]
    [InlineData("""{"schemaVersion":1,INPUTS,"idempotencyKey":"KEYTOOLONG"}""", "job.json:idempotencyKey", "must be at most 200 characters, got 201")]
    public void Invalid_spec_kind_names_field_and_problem(string json, string input, string problem)
    {
        json = json.Replace("INPUTS", Inputs, StringComparison.Ordinal)
            .Replace("KEYLONG", new string('k', 65), StringComparison.Ordinal)
            .Replace("VALUELONG", new string('v', 1025), StringComparison.Ordinal)
            .Replace("KEYTOOLONG", new string('i', 201), StringComparison.Ordinal);

        var error = Assert.Throws<InputException>(() => RenderJobSpecReader.Read(json, "job.json"));

        Assert.StartsWith(input, error.Input, StringComparison.Ordinal);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ManifestFormat.Csv, "audio,cfg\nuploads/c/1.wav,lots", "rows.csv:row 1 (line 2):settings.cfg", "'lots' is not a number")]
    [InlineData(ManifestFormat.Csv, "audio\nupl\"oads/c/1.wav", "rows.csv:line 2", "a quote may only start a field")]
    [InlineData(ManifestFormat.Csv, "audio,gesture,poseFolder\nuploads/c/1.wav,talk,uploads/p", "rows.csv:row 1 (line 2):inputs.pose", "exactly one of")]
    [InlineData(ManifestFormat.Csv, "audio,webhook\nuploads/c/1.wav,ftp://x", "rows.csv:row 1 (line 2):webhook.url", "http or https")]
    [InlineData(ManifestFormat.JsonLines, "{\"inputs\":{\"audio\":\"uploads/c/1.wav\"},\"colour\":\"red\"}", "rows.csv:row 1 (line 1):colour", "is not a known field")]
    [InlineData(ManifestFormat.JsonLines, "{\"id\":7,\"inputs\":{\"audio\":\"uploads/c/1.wav\"}}", "rows.csv:row 1 (line 1):id", "must be 1 to 40")]
    public void Invalid_manifest_kind_names_row_and_field(ManifestFormat format, string text, string input, string problem)
    {
        var error = Assert.Throws<InputException>(() => CampaignManifestReader.Read(text, format, """{"inputs":{"reference":"uploads/r.png","pose":{"gesture":"talk"}}}""", "rows.csv"));

        Assert.StartsWith(input, error.Input, StringComparison.Ordinal);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_that_are_not_an_object_are_reported_as_defaults()
    {
        var error = Assert.Throws<InputException>(() => CampaignManifestReader.Read("audio\nuploads/c/1.wav", ManifestFormat.Csv, "[1]", "rows.csv"));

        Assert.Equal(("rows.csv:defaults", "must be a JSON object"), (error.Input, error.Problem));
    }

    [Fact]
    public void More_rows_than_the_limit_reject_the_manifest()
    {
        var text = new StringBuilder("audio,gesture\n");
        for (var i = 0; i <= CampaignManifestReader.MaxRows; i++) text.Append("uploads/c/1.wav,talk\n");

        var error = Assert.Throws<InputException>(() => CampaignManifestReader.Read(text.ToString(), ManifestFormat.Csv,
            """{"inputs":{"reference":"uploads/r.png"}}""", "rows.csv"));

        Assert.Equal(("rows.csv", $"has more than {CampaignManifestReader.MaxRows} rows"), (error.Input, error.Problem));
    }

    [Theory]
    [InlineData(23, 12, "segment length must be at least twice the overlap (24 frames), got 23")]
    [InlineData(120, 11, "overlap must be at least one context window (12 frames), got 11")]
    public void Unplannable_segment_sizes_are_explained(int segmentLength, int overlap, string problem)
    {
        Assert.Equal(problem, SegmentPlanner.ProblemWith(segmentLength, overlap));
        Assert.Null(SegmentPlanner.ProblemWith(24, 12));
    }
}
