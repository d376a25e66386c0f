using System.Globalization;
using System.Text.Json;

namespace EchoMimic.Core.Jobs;

/// <summary>
/// A JSON object being read as part of a spec, remembering its path ("job.json:settings") so every error names the
/// exact field; unknown fields are errors (a typo such as "sed" must not silently fall back to a default).
/// </summary>
internal sealed class JsonSpecObject
{
    private readonly JsonElement element;
    private readonly HashSet<string> known = new(StringComparer.Ordinal);

    public JsonSpecObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InputException(path.TrimEnd(':'), $"must be a JSON object, got {Describe(element)}");
        }

        this.element = element;
        Path = path;
    }

    public string Path { get; }

    public string FieldPath(string name) => Path.EndsWith(':') ? Path + name : $"{Path}.{name}";

    public JsonElement? Optional(string name)
    {
        known.Add(name);
        return element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    public JsonElement Required(string name) =>
        Optional(name) ?? throw new InputException(FieldPath(name), "is required");

    public JsonSpecObject? OptionalObject(string name) =>
        Optional(name) is { } value ? new JsonSpecObject(value, FieldPath(name)) : null;

    public JsonSpecObject RequiredObject(string name) => new(Required(name), FieldPath(name));

    public string? OptionalString(string name, int maxLength = 2048)
    {
        if (Optional(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new InputException(FieldPath(name), $"must be a string, got {Describe(value)}");
        }

        var text = ReadText(value, FieldPath(name));
        if (text.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format))
        {
            var bad = text.First(c => char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format);
            throw new InputException(FieldPath(name), $"must not hold control or formatting characters (found U+{(int)bad:X4})");
        }

        if (text.Length == 0)
        {
            throw new InputException(FieldPath(name), "must not be empty");
        }

        if (text.Length > maxLength)
        {
            throw new InputException(FieldPath(name), $"must be at most {maxLength} characters, got {text.Length}");
        }

        return text;
    }

    /// <summary>A JSON string's text; an escaped lone surrogate (<c>"\ud800"</c>) is no Unicode text and is refused.</summary>
    public static string ReadText(JsonElement value, string field)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new InputException(field, "is not valid Unicode text (an unpaired surrogate escape)");
        }
    }

    public string RequiredString(string name, int maxLength = 2048) =>
        OptionalString(name, maxLength) ?? throw new InputException(FieldPath(name), "is required");

    public long? OptionalInteger(string name, long min, long max)
    {
        if (Optional(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            throw new InputException(FieldPath(name), $"must be an integer, got {Describe(value)}");
        }

        if (number < min || number > max)
        {
            throw new InputException(FieldPath(name),
                $"must be between {min} and {max}, got {number.ToString(CultureInfo.InvariantCulture)}");
        }

        return number;
    }

    public double? OptionalNumber(string name, double min, double max)
    {
        if (Optional(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw new InputException(FieldPath(name), $"must be a number, got {Describe(value)}");
        }

        var number = value.GetDouble();
        if (!double.IsFinite(number) || number < min || number > max)
        {
            throw new InputException(FieldPath(name),
                $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}, got {number.ToString(CultureInfo.InvariantCulture)}");
        }

        return number;
    }

    /// <summary>Fails on the first property nobody asked for; call after reading all known fields.</summary>
    public void RejectUnknownFields()
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                throw new InputException(FieldPath(property.Name), "is not a known field");
            }
        }
    }

    public IEnumerable<JsonProperty> Properties() => element.EnumerateObject();

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Truncate(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
