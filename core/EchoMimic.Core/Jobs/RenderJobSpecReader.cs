using System.Text.Json;
using System.Text.RegularExpressions;
using EchoMimic.Core.Ports;

namespace EchoMimic.Core.Jobs;

/// <summary>
/// Reads and validates a render job spec (Schemas/render-job.schema.json documents the same rules for callers).
/// Every problem is an <see cref="InputException"/> whose input is the exact field, e.g.
/// <c>job.json:settings.steps: must be between 1 and 200, got 0</c>.
/// </summary>
public static partial class RenderJobSpecReader
{
    public const int MaxMetadataEntries = 32;

    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp"];
    private static readonly string[] AudioExtensions = [".wav", ".mp3", ".m4a", ".flac", ".ogg"];

    /// <summary>Parses <paramref name="json"/>; <paramref name="source"/> names the document in errors.</summary>
    public static RenderJobSpec Read(string json, string source = "job.json")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new InputException(source, $"is not valid JSON ({e.Message})");
        }

        using (document)
        {
            return Read(document.RootElement, source);
        }
    }

    public static RenderJobSpec Read(JsonElement root, string source)
    {
        var spec = new JsonSpecObject(root, source + ":");
        var version = spec.Required("schemaVersion");
        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number)
            || number != RenderJobSpec.CurrentSchemaVersion)
        {
            throw new InputException(spec.FieldPath("schemaVersion"),
                $"version {version.GetRawText()} is not supported (this build reads {RenderJobSpec.CurrentSchemaVersion})");
        }

        var inputs = ReadInputs(spec.RequiredObject("inputs"));
        var settings = ReadSettings(spec.OptionalObject("settings"));
        var output = spec.OptionalObject("output");
        var outputName = "video.mp4";
        if (output is not null)
        {
            outputName = output.OptionalString("name", 128) ?? outputName;
            if (!OutputNamePattern().IsMatch(outputName))
            {
                throw new InputException(output.FieldPath("name"),
                    $"'{outputName}' must be a file name of letters, digits, '.', '_' or '-' ending in .mp4");
            }

            output.RejectUnknownFields();
        }

        Uri? webhookUrl = null;
        if (spec.OptionalObject("webhook") is { } webhook)
        {
            var url = webhook.RequiredString("url");
            if (!Uri.TryCreate(url, UriKind.Absolute, out webhookUrl)
                || (webhookUrl.Scheme != Uri.UriSchemeHttps && webhookUrl.Scheme != Uri.UriSchemeHttp))
            {
                throw new InputException(webhook.FieldPath("url"), $"'{url}' must be an absolute http or https URL");
            }

            webhook.RejectUnknownFields();
        }

        var metadata = ReadMetadata(spec.OptionalObject("metadata"));
        var idempotencyKey = spec.OptionalString("idempotencyKey", 200);
        spec.RejectUnknownFields();
        return new RenderJobSpec(inputs, settings, outputName, webhookUrl, metadata, idempotencyKey);
    }

    /// <summary>The canonical JSON form (what job.json round-trips to).</summary>
    public static string Write(RenderJobSpec spec) => JsonSerializer.Serialize(new
    {
        schemaVersion = spec.SchemaVersion,
        inputs = new
        {
            reference = spec.Inputs.Reference,
            audio = spec.Inputs.Audio,
            pose = new { gesture = spec.Inputs.Pose.Gesture, folder = spec.Inputs.Pose.Folder },
        },
        settings = spec.Settings,
        output = new { name = spec.OutputName },
        webhook = spec.WebhookUrl is null ? null : new { url = spec.WebhookUrl.ToString() },
        metadata = spec.Metadata,
        idempotencyKey = spec.IdempotencyKey,
    }, MessageJson.Options);

    private static JobInputs ReadInputs(JsonSpecObject inputs)
    {
        var reference = ReadUploadPath(inputs, "reference", ImageExtensions);
        var audio = ReadUploadPath(inputs, "audio", AudioExtensions);
        var pose = inputs.RequiredObject("pose");
        var gesture = pose.OptionalString("gesture", 64);
        var folder = pose.OptionalString("folder");
        if ((gesture is null) == (folder is null))
        {
            throw new InputException(pose.Path, "must name exactly one of 'gesture' or 'folder'");
        }

        if (gesture is not null && !GesturePattern().IsMatch(gesture))
        {
            throw new InputException(pose.FieldPath("gesture"),
                $"'{gesture}' must be lower-case letters, digits, '_' or '-'");
        }

        if (folder is not null)
        {
            folder = CheckUploadPath(pose.FieldPath("folder"), folder.TrimEnd('/')).ToString() + "/";
        }

        pose.RejectUnknownFields();
        inputs.RejectUnknownFields();
        return new JobInputs(reference, audio, new PoseSource(gesture, folder));
    }

    private static string ReadUploadPath(JsonSpecObject owner, string name, string[] extensions)
    {
        var path = CheckUploadPath(owner.FieldPath(name), owner.RequiredString(name));
        if (!extensions.Any(extension => path.Name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InputException(owner.FieldPath(name),
                $"'{path}' must end in one of {string.Join(", ", extensions)}");
        }

        return path.ToString();
    }

    private static BlobPath CheckUploadPath(string field, string text)
    {
        if (!BlobPath.TryParse(text, out var path))
        {
            throw new InputException(field, $"'{text}' is not a blob path of the form {BlobContainers.Uploads}/<name>");
        }

        if (path.Container != BlobContainers.Uploads)
        {
            throw new InputException(field, $"'{text}' must be in the '{BlobContainers.Uploads}' container");
        }

        // Percent-escapes are decoded by some tools and not by others ("%2e%2e" is ".." to a URL decoder): refused.
        if (text.Contains('%', StringComparison.Ordinal))
        {
            throw new InputException(field, $"'{text}' must not hold '%' (write the blob name unescaped)");
        }

        var fileName = path.Name[(path.Name.LastIndexOf('/') + 1)..];
        if (fileName.StartsWith('.'))
        {
            throw new InputException(field, $"'{text}' needs a file name before its extension");
        }

        return path;
    }

    private static RenderSettings ReadSettings(JsonSpecObject? settings)
    {
        if (settings is null)
        {
            return RenderSettings.Standard;
        }

        var mode = RenderMode.Standard;
        if (settings.OptionalString("mode") is { } modeText)
        {
            mode = modeText switch
            {
                "standard" => RenderMode.Standard,
                "accelerated" => RenderMode.Accelerated,
                "preview" => RenderMode.Preview,
                _ => throw new InputException(settings.FieldPath("mode"),
                    $"'{modeText}' must be 'standard', 'accelerated' or 'preview'"),
            };
        }

        var defaults = RenderSettings.DefaultsFor(mode);
        var result = defaults with
        {
            Steps = (int)(settings.OptionalInteger("steps", 1, 200) ?? defaults.Steps),
            Cfg = settings.OptionalNumber("cfg", 0, 20) ?? defaults.Cfg,
            Seed = settings.OptionalInteger("seed", 0, long.MaxValue) ?? defaults.Seed,
            Width = (int)(settings.OptionalInteger("width", 64, 2048) ?? defaults.Width),
            Height = (int)(settings.OptionalInteger("height", 64, 2048) ?? defaults.Height),
            Fps = (int)(settings.OptionalInteger("fps", 1, 60) ?? defaults.Fps),
            Precision = settings.OptionalString("precision") is { } precisionText
                ? PrecisionNames.Parse(precisionText, settings.FieldPath("precision"))
                : null,
        };

        // The VAE downsamples by 8 (official pipeline_echomimicv2: latents are height // 8 × width // 8).
        if (result.Width % 8 != 0)
        {
            throw new InputException(settings.FieldPath("width"), $"must be a multiple of 8, got {result.Width}");
        }

        if (result.Height % 8 != 0)
        {
            throw new InputException(settings.FieldPath("height"), $"must be a multiple of 8, got {result.Height}");
        }

        settings.RejectUnknownFields();
        return result;
    }

    private static IReadOnlyDictionary<string, string> ReadMetadata(JsonSpecObject? metadata)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (metadata is null)
        {
            return result;
        }

        foreach (var property in metadata.Properties())
        {
            var field = metadata.FieldPath(property.Name);
            if (property.Name.Length is 0 or > 64)
            {
                throw new InputException(field, "keys must be 1 to 64 characters");
            }

            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw new InputException(field, $"must be a string, got {JsonSpecObject.Describe(property.Value)}");
            }

            var value = JsonSpecObject.ReadText(property.Value, field);
            if (value.Length > 1024)
            {
                throw new InputException(field, $"must be at most 1024 characters, got {value.Length}");
            }

            result[property.Name] = value;
        }

        if (result.Count > MaxMetadataEntries)
        {
            throw new InputException(metadata.Path, $"must have at most {MaxMetadataEntries} entries, got {result.Count}");
        }

        return result;
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,63}\z")]
    private static partial Regex GesturePattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,123}\.mp4\z")]
    private static partial Regex OutputNamePattern();
}
