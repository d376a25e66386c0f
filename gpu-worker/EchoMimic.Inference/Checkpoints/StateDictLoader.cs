using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>What a load did: keys copied, and keys skipped under a tolerated prefix.</summary>
public sealed record LoadReport(int Loaded, IReadOnlyList<string> IgnoredUnexpected, IReadOnlyList<string> IgnoredMissing);

/// <summary>
/// Copies a stream of (key, tensor) pairs into a module's parameters and buffers, one tensor at a time (each
/// source tensor is released after its copy, so no second full copy of the checkpoint is held). Strict by default:
/// every module key must be supplied and every supplied key must exist with the same shape; differences are
/// accepted only under a named <see cref="ToleratedPrefix"/>. Dtypes convert on copy (fp16 checkpoint into fp32,
/// fp16 or bf16 modules). A key supplied twice (merged sources) takes the later value, as sequential
/// <c>load_state_dict</c> calls would.
/// </summary>
public static class StateDictLoader
{
    /// <summary>Loads materialised tensors; each is disposed after its copy.</summary>
    public static LoadReport Load(nn.Module module, IEnumerable<KeyValuePair<string, Tensor>> source, IReadOnlyList<ToleratedPrefix>? tolerated = null, string? sourceName = null) =>
        LoadCore(module, source.Select(kv => new Incoming(kv.Key, kv.Value.shape, target => target.copy_(kv.Value), kv.Value)), tolerated, sourceName);

    /// <summary>
    /// Loads lazy checkpoint tensors: a contiguous tensor whose dtype matches its CPU target is read from the file
    /// straight into the parameter's memory (no copy in flight at all); others are materialised one at a time.
    /// Into a meta-device module nothing is read, so this also checks a checkpoint's keys and shapes for free.
    /// </summary>
    public static LoadReport Load(nn.Module module, IEnumerable<KeyValuePair<string, LazyTensor>> source, IReadOnlyList<ToleratedPrefix>? tolerated = null, string? sourceName = null) =>
        LoadCore(module, source.Select(kv => new Incoming(kv.Key, kv.Value.Shape, kv.Value.CopyTo, null)), tolerated, sourceName);

    private sealed record Incoming(string Key, long[] Shape, Action<Tensor> CopyInto, IDisposable? Owned);

    private static LoadReport LoadCore(nn.Module module, IEnumerable<Incoming> source, IReadOnlyList<ToleratedPrefix>? tolerated, string? sourceName)
    {
        tolerated ??= [];
        var targets = module.state_dict();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var misshaped = new List<string>();
        var misshapedKeys = new HashSet<string>(StringComparer.Ordinal);
        var ignoredUnexpected = new List<string>();

        using (no_grad())
        {
            foreach (var incoming in source)
            {
                using var owned = incoming.Owned;
                var key = incoming.Key;
                if (!targets.TryGetValue(key, out var target))
                {
                    if (IsTolerated(key, tolerated, ToleratedDifference.Unexpected)) ignoredUnexpected.Add(key);
                    else unexpected.Add(key);
                    continue;
                }
                if (!target.shape.SequenceEqual(incoming.Shape))
                {
                    misshaped.Add($"{key} [{string.Join(",", incoming.Shape)}] vs module [{string.Join(",", target.shape)}]");
                    misshapedKeys.Add(key);
                    continue;
                }
                if (target.device.type != DeviceType.META) incoming.CopyInto(target);
                seen.Add(key);
            }
        }

        var missing = targets.Keys.Where(k => !seen.Contains(k) && !misshapedKeys.Contains(k)).ToList();
        var ignoredMissing = missing.Where(k => IsTolerated(k, tolerated, ToleratedDifference.Missing)).ToList();
        missing = missing.Except(ignoredMissing).ToList();

        if (missing.Count + unexpected.Count + misshaped.Count > 0)
        {
            var lines = new List<string> { $"checkpoint {sourceName ?? ""} does not fit {module.GetType().Name}:".Replace("  ", " ") };
            if (missing.Count > 0) lines.Add($"  missing ({missing.Count}): {string.Join(", ", missing)}");
            if (unexpected.Count > 0) lines.Add($"  unexpected ({unexpected.Count}): {string.Join(", ", unexpected)}");
            if (misshaped.Count > 0) lines.Add($"  wrong shape ({misshaped.Count}): {string.Join(", ", misshaped)}");
            throw new StateDictMismatchException(string.Join(Environment.NewLine, lines), missing, unexpected, misshaped);
        }
        return new LoadReport(seen.Count, ignoredUnexpected, ignoredMissing);
    }

    private static bool IsTolerated(string key, IReadOnlyList<ToleratedPrefix> tolerated, ToleratedDifference difference) =>
        tolerated.Any(t => t.Tolerates(key, difference));
}
