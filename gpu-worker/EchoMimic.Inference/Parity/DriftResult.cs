using EchoMimic.Core.Jobs;

namespace EchoMimic.Inference.Parity;

/// <summary>A fixture run in half precision: PASS when every bounded output is within its bound.</summary>
public sealed record DriftResult(string File, string Component, Precision Precision, ParityStatus Status, IReadOnlyList<DriftOutput> Outputs, string? Detail)
{
    public IEnumerable<string> Lines(string root)
    {
        var relative = System.IO.Path.GetRelativePath(root, File);
        yield return $"{Status.ToString().ToUpperInvariant()} {relative} {Component} {Precision.Name()}{(Detail is null ? "" : $" ({Detail})")}";
        foreach (var output in Outputs) yield return output.Line();
    }
}
