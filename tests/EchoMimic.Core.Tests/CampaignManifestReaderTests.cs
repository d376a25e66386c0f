using EchoMimic.Core.Campaigns;
using EchoMimic.Core.Jobs;

namespace EchoMimic.Core.Tests;

public sealed class CampaignManifestReaderTests
{
    private const string Defaults = """
        { "inputs": { "reference": "uploads/c/ref.png", "pose": { "gesture": "fight" } },
          "settings": { "mode": "accelerated", "seed": 1 },
          "metadata": { "campaign": "spring" } }
        """;

    [Fact]
    public void Csv_rows_override_defaults_field_by_field()
    {
        const string csv = """"
            id,audio,seed,poseFolder,metadata.customer,output
            a1,uploads/c/a1.wav,,,"Acme, Inc.",
            a2,uploads/c/a2.wav,99,uploads/c/poses,"say ""hi""",a2.mp4
            """";

        var manifest = CampaignManifestReader.Read(csv, ManifestFormat.Csv, Defaults, "rows.csv");

        Assert.Equal(2, manifest.Rows.Count);
        var first = manifest.Rows[0];
        Assert.Equal("a1", first.RowId);
        Assert.Equal("camp-a1", first.JobIdIn("camp"));
        Assert.Equal("uploads/c/a1.wav", first.Spec.Inputs.Audio);
        Assert.Equal("uploads/c/ref.png", first.Spec.Inputs.Reference);
        Assert.Equal("fight", first.Spec.Inputs.Pose.Gesture);
        Assert.Equal(1, first.Spec.Settings.Seed);
        Assert.Equal(RenderMode.Accelerated, first.Spec.Settings.Mode);
        Assert.Equal("Acme, Inc.", first.Spec.Metadata["customer"]);
        Assert.Equal("spring", first.Spec.Metadata["campaign"]);
        Assert.Equal("video.mp4", first.Spec.OutputName);

        var second = manifest.Rows[1];
        Assert.Equal(99, second.Spec.Settings.Seed);
        Assert.Null(second.Spec.Inputs.Pose.Gesture); // the row's pose replaces the default pose
        Assert.Equal("uploads/c/poses/", second.Spec.Inputs.Pose.Folder);
        Assert.Equal("say \"hi\"", second.Spec.Metadata["customer"]);
        Assert.Equal("a2.mp4", second.Spec.OutputName);
    }

    [Fact]
    public void Jsonl_rows_are_partial_specs_numbered_by_row()
    {
        const string jsonl = """
            {"inputs":{"audio":"uploads/c/1.wav"}}

            {"inputs":{"audio":"uploads/c/2.wav"},"settings":{"steps":4}}
            """;

        var manifest = CampaignManifestReader.Read(jsonl, ManifestFormat.JsonLines, Defaults, "rows.jsonl");

        Assert.Equal(["1", "2"], manifest.Rows.Select(r => r.RowId));
        Assert.Equal(3, manifest.Rows[1].LineNumber);
        Assert.Equal(4, manifest.Rows[1].Spec.Settings.Steps);
        Assert.Equal(6, manifest.Rows[0].Spec.Settings.Steps);
    }

    [Theory]
    [InlineData(ManifestFormat.Csv, "audio,colour\nuploads/c/1.wav,red", "rows.csv:header", "column 'colour' is not a job field")]
    [InlineData(ManifestFormat.Csv, "audio,audio\nuploads/c/1.wav,uploads/c/1.wav", "rows.csv:header", "appears twice")]
    [InlineData(ManifestFormat.Csv, "audio,seed\nuploads/c/1.wav", "rows.csv:row 1 (line 2)", "has 1 fields, the header has 2")]
    [InlineData(ManifestFormat.Csv, "audio,seed\nuploads/c/1.wav,1\nuploads/c/2.wav,abc", "rows.csv:row 2 (line 3):settings.seed", "'abc' is not an integer")]
    [InlineData(ManifestFormat.Csv, "audio,steps\nuploads/c/1.wav,500", "rows.csv:row 1 (line 2):settings.steps", "between 1 and 200")]
    [InlineData(ManifestFormat.Csv, "audio\nuploads/c/1.mov", "rows.csv:row 1 (line 2):inputs.audio", "must end in one of")]
    [InlineData(ManifestFormat.Csv, "id,audio\nx,uploads/c/1.wav\nx,uploads/c/2.wav", "rows.csv:row 2 (line 3):id", "used by an earlier row")]
    [InlineData(ManifestFormat.Csv, "id,audio\nx y,uploads/c/1.wav", "rows.csv:row 1 (line 2):id", "must be 1 to 40")]
    [InlineData(ManifestFormat.Csv, "audio\n\"uploads/c/1.wav", "rows.csv:line 2", "not closed")]
    [InlineData(ManifestFormat.Csv, "audio\n", "rows.csv", "has no rows")]
    [InlineData(ManifestFormat.Csv, "", "rows.csv", "has no header row")]
    [InlineData(ManifestFormat.JsonLines, "{\"inputs\":{\"audio\":\"uploads/c/1.wav\"}}\n{oops", "rows.csv:row 2 (line 2)", "is not valid JSON")]
    [InlineData(ManifestFormat.JsonLines, "[1]", "rows.csv:row 1 (line 1)", "must be a JSON object")]
    [InlineData(ManifestFormat.JsonLines, "{\"inputs\":{}}", "rows.csv:row 1 (line 1):inputs.audio", "is required")]
    public void Invalid_manifest_names_row_and_field(ManifestFormat format, string text, string input, string problem)
    {
        var error = Assert.Throws<InputException>(() => CampaignManifestReader.Read(text, format, Defaults, "rows.csv"));

        Assert.Equal(input, error.Input);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_defaults_are_reported_as_defaults()
    {
        var error = Assert.Throws<InputException>(() =>
            CampaignManifestReader.Read("audio\nuploads/c/1.wav", ManifestFormat.Csv, "{", "rows.csv"));

        Assert.Equal("rows.csv:defaults", error.Input);
    }

    [Theory]
    [InlineData("rows.csv", ManifestFormat.Csv)]
    [InlineData("ROWS.JSONL", ManifestFormat.JsonLines)]
    public void Format_follows_the_extension(string name, ManifestFormat format) =>
        Assert.Equal(format, CampaignManifestReader.FormatOf(name));

    [Fact]
    public void Unknown_extension_is_refused() =>
        Assert.Throws<InputException>(() => CampaignManifestReader.FormatOf("rows.xlsx"));
}
