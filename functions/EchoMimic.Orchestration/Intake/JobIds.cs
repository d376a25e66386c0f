using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace EchoMimic.Orchestration.Intake;

/// <summary>
/// Job and campaign ids double as orchestration instance ids and blob folder names, so they are lower-case,
/// URL- and blob-safe. A submission with an idempotency key gets an id derived from the key, so a repeated
/// submission (client retry, duplicate Event Grid delivery) addresses the same orchestration instead of a new one.
/// </summary>
public static partial class JobIds
{
    public static bool IsValid(string id) => IdPattern().IsMatch(id);

    public static string Check(string id, string input) =>
        IsValid(id) ? id : throw new Core.InputException(input, $"'{id}' must be 1 to 100 lower-case letters, digits or '-', starting with a letter or digit");

    public static string FromIdempotencyKey(string prefix, string key) =>
        $"{prefix}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..20]}";

    /// <summary>A fresh id from a caller-supplied random source (Core stays free of hidden randomness).</summary>
    public static string Fresh(string prefix, Random random)
    {
        Span<byte> bytes = stackalloc byte[10];
        random.NextBytes(bytes);
        return $"{prefix}-{Convert.ToHexStringLower(bytes)}";
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    private static partial Regex IdPattern();
}
