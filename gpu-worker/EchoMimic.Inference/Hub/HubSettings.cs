using EchoMimic.Core;

namespace EchoMimic.Inference.Hub;

/// <summary>
/// Where the weights come from: the Hugging Face hub endpoint (<c>HF_ENDPOINT</c>, default https://huggingface.co,
/// as huggingface_hub reads it, so a mirror works the same way for both tools), the optional access token
/// (<c>HF_TOKEN</c>, sent as a bearer header to the endpoint only), and the Whisper tiny checkpoint's URL, which the
/// official README gives outside the hub (overridable with <c>ECHOMIMIC_WHISPER_TINY_URL</c>).
/// </summary>
public sealed record HubSettings(Uri Endpoint, string? Token, Uri WhisperTinyUrl)
{
    public const string EndpointVariable = "HF_ENDPOINT";
    public const string TokenVariable = "HF_TOKEN";
    public const string WhisperTinyUrlVariable = "ECHOMIMIC_WHISPER_TINY_URL";
    public const string Revision = "main";

    public static readonly Uri DefaultEndpoint = new("https://huggingface.co");

    /// <summary>The <c>tiny</c> entry of the official whisper/__init__.py <c>_MODELS</c>, as the EchoMimicV2 README links it.</summary>
    public static readonly Uri OfficialWhisperTinyUrl =
        new("https://openaipublic.azureedge.net/main/whisper/models/65147644a518d12f04e32d6f3b26facc3f8dd46e5390956a9424a650c0ce22b9/tiny.pt");

    public static HubSettings Default { get; } = new(DefaultEndpoint, null, OfficialWhisperTinyUrl);

    /// <summary>Reads <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c> and <c>ECHOMIMIC_WHISPER_TINY_URL</c>; a malformed URL is a user error.</summary>
    public static HubSettings FromEnvironment() => new(
        Url(EndpointVariable) ?? DefaultEndpoint,
        Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } token ? token.Trim() : null,
        Url(WhisperTinyUrlVariable) ?? OfficialWhisperTinyUrl);

    /// <summary>The hub's plain file URL <c>{endpoint}/{repo}/resolve/{revision}/{path}</c>, each path segment escaped.</summary>
    public Uri Resolve(string repo, string path)
    {
        var escaped = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        return new Uri($"{Endpoint.AbsoluteUri.TrimEnd('/')}/{repo}/resolve/{Revision}/{escaped}");
    }

    /// <summary>Whether a request to <paramref name="url"/> goes to the hub endpoint (and so may carry the token).</summary>
    public bool IsEndpoint(Uri url) => string.Equals(url.Authority, Endpoint.Authority, StringComparison.OrdinalIgnoreCase)
        && string.Equals(url.Scheme, Endpoint.Scheme, StringComparison.OrdinalIgnoreCase);

    private static Uri? Url(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new InputException(variable, $"'{value}' is not an http(s) URL; set it to one (e.g. {DefaultEndpoint}) or unset it");
        return url;
    }
}
