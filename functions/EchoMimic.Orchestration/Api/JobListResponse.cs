using System.Globalization;
using EchoMimic.Core;
using EchoMimic.Core.Ports;

namespace EchoMimic.Orchestration.Api;

/// <summary>GET /jobs: rows of the job index, newest first.</summary>
public sealed record JobListResponse(IReadOnlyList<JobRecord> Jobs)
{
    public const int DefaultCount = 50;
    public const int MaxCount = 500;

    /// <summary>The <c>max</c> query parameter: empty = <see cref="DefaultCount"/>, else a whole number 1..<see cref="MaxCount"/>.</summary>
    public static int ParseMax(string? text) =>
        string.IsNullOrEmpty(text) ? DefaultCount
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= MaxCount ? count
        : throw new InputException("max", $"must be a whole number from 1 to {MaxCount}");
}
