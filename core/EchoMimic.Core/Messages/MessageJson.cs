using System.Text.Json;
using System.Text.Json.Serialization;

namespace EchoMimic.Core;

/// <summary>
/// The one JSON shape for messages, events and stored records: camelCase, enums as strings, so a queue message is
/// readable in Azure Storage Explorer and stable across languages.
/// </summary>
public static class MessageJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
