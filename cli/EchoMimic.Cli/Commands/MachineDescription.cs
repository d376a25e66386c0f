using System.Runtime.InteropServices;

namespace EchoMimic.Cli.Commands;

/// <summary>The machine a benchmark ran on, in one line (cores, CPU model, memory, OS, runtime).</summary>
public static class MachineDescription
{
    public static string Line()
    {
        var cpu = ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memory = ReadField("/proc/meminfo", "MemTotal");
        return $"machine: {Environment.ProcessorCount} cores ({cpu}), {memory ?? "? kB"} RAM, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}, .NET {Environment.Version}";
    }

    /// <summary>A field of a Linux /proc file (<c>VmHWM</c>, <c>VmRSS</c> ...) in bytes, or null where there is none.</summary>
    public static long? ProcBytes(string file, string field)
    {
        var text = ReadField(file, field);
        if (text is null) return null;
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.TryParse(parts[0], out var kb) ? kb * 1024 : null;
    }

    private static string? ReadField(string file, string field)
    {
        if (!File.Exists(file)) return null;
        foreach (var line in File.ReadLines(file))
            if (line.StartsWith(field, StringComparison.Ordinal) && line.IndexOf(':') is var colon and > 0 && line[..colon].Trim() == field)
                return line[(colon + 1)..].Trim();
        return null;
    }
}
