using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EchoMimic.Inference.Pipeline;

/// <summary>One input file (or pose folder) and its SHA-256.</summary>
public sealed record ReportInput(string Path, string Sha256);

/// <summary>report.json, written beside the video.</summary>
public sealed record RenderReport
{
    public required string Video { get; init; }
    public required ReportInput Image { get; init; }
    public required ReportInput Audio { get; init; }
    public required ReportInput Pose { get; init; }
    public required string Weights { get; init; }
    public required bool DemoWeights { get; init; }
    public required long Seed { get; init; }
    public required string Noise { get; init; }
    public required string Schedule { get; init; }

    /// <summary>The networks' precision (fp32, bf16, fp16) and why it was chosen; scheduler and latents are float32.</summary>
    public string? Precision { get; init; }

    public string? PrecisionReason { get; init; }
    public required int Steps { get; init; }
    public required double Cfg { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required double Fps { get; init; }
    public required int Frames { get; init; }
    public required double AudioSeconds { get; init; }
    public required int GestureFrames { get; init; }
    public required IReadOnlyList<string> DeviationsFromOfficial { get; init; }
    public required IReadOnlyDictionary<string, double> TimingsSeconds { get; init; }
    public string Machine { get; init; } = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static string Sha256OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>A folder's hash: SHA-256 over "name:sha256\n" of its files in ordinal order.</summary>
    public static string Sha256OfFolder(string folder)
    {
        var lines = Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal)
            .Select(f => $"{System.IO.Path.GetFileName(f)}:{Sha256OfFile(f)}\n");
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Concat(lines))));
    }
}
