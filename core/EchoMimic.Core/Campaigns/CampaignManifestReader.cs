using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EchoMimic.Core.Jobs;

namespace EchoMimic.Core.Campaigns;

/// <summary>
/// Reads a campaign manifest: CSV (a header of field paths such as <c>inputs.audio</c> or <c>settings.seed</c>, or
/// the short names <c>reference, audio, gesture, poseFolder, seed, steps, cfg, mode, output, webhook</c>) or JSONL
/// (one partial job spec per line). Each row is merged over the shared defaults (a partial job spec) and validated
/// as a complete spec; the first bad row rejects the whole manifest, naming the row and field, so nothing starts.
/// An optional <c>id</c> column/field names the row (default: its 1-based row number).
/// </summary>
public static partial class CampaignManifestReader
{
    public const int MaxRows = 10_000;

    /// <summary>A key given twice is ambiguous (which value wins differs between JSON readers): refused.</summary>
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["reference"] = "inputs.reference",
        ["audio"] = "inputs.audio",
        ["gesture"] = "inputs.pose.gesture",
        ["poseFolder"] = "inputs.pose.folder",
        ["mode"] = "settings.mode",
        ["steps"] = "settings.steps",
        ["cfg"] = "settings.cfg",
        ["seed"] = "settings.seed",
        ["width"] = "settings.width",
        ["height"] = "settings.height",
        ["fps"] = "settings.fps",
        ["output"] = "output.name",
        ["webhook"] = "webhook.url",
    };

    private static readonly HashSet<string> IntegerFields =
        ["settings.steps", "settings.seed", "settings.width", "settings.height", "settings.fps"];

    private static readonly string[] TopLevelPrefixes = ["inputs.", "settings.", "output.", "webhook.", "metadata."];

    public static ManifestFormat FormatOf(string fileName) =>
        Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".csv" => ManifestFormat.Csv,
            ".jsonl" or ".ndjson" => ManifestFormat.JsonLines,
            _ => throw new InputException(fileName, "a manifest must be a .csv or .jsonl file"),
        };

    /// <param name="defaultsJson">A partial job spec every row starts from (null: none).</param>
    public static CampaignManifest Read(string text, ManifestFormat format, string? defaultsJson, string source)
    {
        var defaults = ParseDefaults(defaultsJson, source);
        var raw = format == ManifestFormat.Csv ? ReadCsv(text, source) : ReadJsonLines(text, source);
        var rows = new List<CampaignRow>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (line, rowNumber, row) in raw)
        {
            if (rowNumber > MaxRows)
            {
                throw new InputException(source, $"has more than {MaxRows} rows");
            }

            var rowSource = $"{source}:row {rowNumber} (line {line})";
            var id = rowNumber.ToString(CultureInfo.InvariantCulture);
            if (row.Remove("id", out var idNode))
            {
                id = idNode is JsonValue value && value.TryGetValue<string>(out var text2) ? text2 : string.Empty;
                if (!RowIdPattern().IsMatch(id))
                {
                    throw new InputException($"{rowSource}:id",
                        $"'{idNode?.ToJsonString()}' must be 1 to 40 lower-case letters, digits or '-'");
                }
            }

            if (!ids.Add(id))
            {
                throw new InputException($"{rowSource}:id", $"'{id}' is used by an earlier row");
            }

            var merged = (JsonObject)defaults.DeepClone();
            Merge(merged, row);
            merged.TryAdd("schemaVersion", RenderJobSpec.CurrentSchemaVersion);
            using var document = JsonDocument.Parse(merged.ToJsonString());
            rows.Add(new CampaignRow(id, line, RenderJobSpecReader.Read(document.RootElement, rowSource)));
        }

        if (rows.Count == 0)
        {
            throw new InputException(source, "has no rows");
        }

        return new CampaignManifest(rows);
    }

    private static JsonObject ParseDefaults(string? defaultsJson, string source)
    {
        if (defaultsJson is null)
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(defaultsJson, documentOptions: StrictJson) as JsonObject
                ?? throw new InputException($"{source}:defaults", "must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputException($"{source}:defaults", $"is not valid JSON ({e.Message})");
        }
    }

    private static IEnumerable<(int Line, int Row, JsonObject Values)> ReadCsv(string text, string source)
    {
        using var records = CsvRecords.Read(text.TrimStart('\uFEFF'), source).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new InputException(source, "has no header row");
        }

        var columns = records.Current.Fields.Select(name => ColumnPath(name.Trim(), source)).ToArray();
        var duplicate = columns.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InputException($"{source}:header", $"column '{duplicate.Key}' appears twice");
        }

        var rowNumber = 0;
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            rowNumber++;
            if (fields.Length != columns.Length)
            {
                throw new InputException($"{source}:row {rowNumber} (line {line})",
                    $"has {fields.Length} fields, the header has {columns.Length}");
            }

            var values = new JsonObject();
            for (var i = 0; i < columns.Length; i++)
            {
                // An empty cell keeps the default rather than overriding it with "".
                if (fields[i].Length > 0)
                {
                    SetPath(values, columns[i], CellValue(columns[i], fields[i], $"{source}:row {rowNumber} (line {line}):{columns[i]}"));
                }
            }

            yield return (line, rowNumber, values);
        }
    }

    private static IEnumerable<(int Line, int Row, JsonObject Values)> ReadJsonLines(string text, string source)
    {
        var lines = text.TrimStart('\uFEFF').Split('\n');
        var rowNumber = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            rowNumber++;
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line, documentOptions: StrictJson);
            }
            catch (JsonException e)
            {
                throw new InputException($"{source}:row {rowNumber} (line {i + 1})", $"is not valid JSON ({e.Message})");
            }

            if (node is not JsonObject row)
            {
                throw new InputException($"{source}:row {rowNumber} (line {i + 1})", "must be a JSON object");
            }

            yield return (i + 1, rowNumber, row);
        }
    }

    private static string ColumnPath(string name, string source)
    {
        var path = ShortNames.GetValueOrDefault(name, name);
        if (path is "id" or "idempotencyKey" || TopLevelPrefixes.Any(prefix => path.StartsWith(prefix, StringComparison.Ordinal) && path.Length > prefix.Length))
        {
            return path;
        }

        throw new InputException($"{source}:header", $"column '{name}' is not a job field (e.g. inputs.audio, settings.seed, metadata.customer)");
    }

    private static JsonNode CellValue(string path, string cell, string field)
    {
        if (IntegerFields.Contains(path))
        {
            return long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer)
                ? JsonValue.Create(integer)
                : throw new InputException(field, $"'{cell}' is not an integer");
        }

        if (path == "settings.cfg")
        {
            return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? JsonValue.Create(number)
                : throw new InputException(field, $"'{cell}' is not a number");
        }

        return JsonValue.Create(cell);
    }

    private static void SetPath(JsonObject root, string path, JsonNode value)
    {
        // metadata keys may contain dots of their own: only the first segment is structural there.
        var parts = path.StartsWith("metadata.", StringComparison.Ordinal)
            ? ["metadata", path["metadata.".Length..]]
            : path.Split('.');
        var current = root;
        foreach (var part in parts[..^1])
        {
            if (current[part] is not JsonObject next)
            {
                next = [];
                current[part] = next;
            }

            current = next;
        }

        current[parts[^1]] = value;
    }

    /// <summary>Objects merge key by key; anything else in the row replaces the default.</summary>
    private static void Merge(JsonObject target, JsonObject overrides)
    {
        foreach (var (key, value) in overrides.ToArray())
        {
            if (value is JsonObject child && target[key] is JsonObject existing && key != "pose")
            {
                Merge(existing, child);
            }
            else
            {
                // A row's pose replaces the default pose entirely: gesture and folder exclude each other.
                target[key] = value?.DeepClone();
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex RowIdPattern();
}
