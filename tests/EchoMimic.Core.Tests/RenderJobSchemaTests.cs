using System.Text.Json;

namespace EchoMimic.Core.Tests;

/// <summary>The published JSON Schema and the reader must describe the same document.</summary>
public sealed class RenderJobSchemaTests
{
    private static JsonElement LoadSchema()
    {
        using var stream = typeof(InputException).Assembly.GetManifestResourceStream("EchoMimic.Core.Schemas.render-job.schema.json");
        Assert.NotNull(stream);
        return JsonDocument.Parse(stream).RootElement.Clone();
    }

    [Fact]
    public void Schema_is_embedded_and_closed_at_every_level()
    {
        var schema = LoadSchema();

        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        foreach (var name in new[] { "inputs", "settings", "output", "webhook" })
        {
            Assert.False(schema.GetProperty("properties").GetProperty(name).GetProperty("additionalProperties").GetBoolean());
        }
    }

    [Fact]
    public void Every_schema_property_is_accepted_by_the_reader_and_nothing_else()
    {
        var schema = LoadSchema().GetProperty("properties");
        var top = schema.EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["idempotencyKey", "inputs", "metadata", "output", "schemaVersion", "settings", "webhook"], top);
        var settings = schema.GetProperty("settings").GetProperty("properties").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["cfg", "fps", "height", "mode", "precision", "seed", "steps", "width"], settings);

        // The full sample uses every field the schema declares; the reader accepts it.
        _ = Jobs.RenderJobSpecReader.Read(SpecSamples.Full);
    }
}
