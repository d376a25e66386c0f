using System.Text.Json;

namespace EchoMimic.Inference.Networks;

/// <summary>
/// Reads module config records from the official constructor kwargs (diffusers <c>config.json</c>, fixture
/// <c>config</c> metadata): snake_case names, unknown fields ignored (diffusers adds <c>_class_name</c> and friends).
/// </summary>
public static class ModuleConfigJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    public static T Read<T>(JsonElement json) =>
        json.Deserialize<T>(Options) ?? throw new InvalidDataException($"empty {typeof(T).Name} config");

    public static string Write<T>(T config) => JsonSerializer.Serialize(config, Options);
}
