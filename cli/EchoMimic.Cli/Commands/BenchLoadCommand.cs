using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EchoMimic.Core;
using EchoMimic.Inference.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic bench load [--size-mb N] [--dtype fp16|fp32] [--dir DIR]</c>: writes a synthetic torch-zip
/// checkpoint of about N MB (default 1024), loads it into a matching module through <see cref="StateDictLoader"/>,
/// and prints the process's peak resident memory (VmHWM) against the file size. The peak is reset after writing
/// (/proc/self/clear_refs), so it measures module + load only: a streaming load should peak near the module's own
/// size plus one tensor, not twice the checkpoint.
/// </summary>
public sealed class BenchLoadCommand : IBenchmarkCommand
{
    /// <summary>Each layer is a Linear(Width, Width): 64 MiB of fp32, 32 MiB of fp16 per weight.</summary>
    private const int Width = 4096;

    public Command Build()
    {
        var size = new Option<int>("--size-mb") { Description = "checkpoint size in MiB (default 1024)", DefaultValueFactory = _ => 1024 };
        var dtype = new Option<string>("--dtype") { Description = "fp32 (default) or fp16, for both the file and the module", DefaultValueFactory = _ => "fp32" };
        var dir = new Option<string?>("--dir") { Description = "folder for the temporary checkpoint (default: the system temp folder)" };
        var materialize = new Option<bool>("--materialize") { Description = "load through materialised tensors (Checkpoint.StateDict) instead of reading straight into the parameters" };
        var command = new Command("load", "peak memory of a streaming checkpoint load versus file size") { size, dtype, dir, materialize };
        command.SetAction(parse => Run(parse.GetValue(size), parse.GetValue(dtype)!, parse.GetValue(dir), parse.GetValue(materialize)));
        return command;
    }

    public static int Run(int sizeMb, string dtypeName, string? directory, bool materialize)
    {
        var dtype = dtypeName switch
        {
            "fp32" or "float32" => ScalarType.Float32,
            "fp16" or "float16" => ScalarType.Float16,
            _ => throw new InputException("--dtype", $"'{dtypeName}' is not fp32 or fp16"),
        };
        if (sizeMb < 1) throw new InputException("--size-mb", "must be at least 1");
        var elementSize = dtype == ScalarType.Float32 ? 4 : 2;
        var layers = Math.Max(1, (int)Math.Round(sizeMb * (double)(1L << 20) / ((long)Width * Width * elementSize)));
        var folder = Directory.CreateTempSubdirectory("echomimic-bench-load-").FullName;
        if (directory is not null)
        {
            if (!Directory.Exists(directory)) throw new InputException(directory, "folder does not exist");
            Directory.Delete(folder);
            folder = Directory.CreateDirectory(Path.Combine(directory, $"echomimic-bench-load-{Environment.ProcessId}")).FullName;
        }
        var path = Path.Combine(folder, "synthetic.pth");
        try
        {
            Console.WriteLine(MachineDescription.Line());
            Console.WriteLine($"libtorch {torch.__version__}, {layers} x Linear({Width}, {Width}) in {TorchDTypes.PythonName(dtype)}");

            var write = Stopwatch.StartNew();
            TorchZipWriter.Write(path, SyntheticStateDict(layers, dtype), prefix: "synthetic");
            write.Stop();
            var fileBytes = new FileInfo(path).Length;
            Console.WriteLine($"wrote {path}: {Mib(fileBytes)} in {write.Elapsed.TotalSeconds:0.0} s");

            GC.Collect();
            GC.WaitForPendingFinalizers();
            var peakReset = TryResetPeak();
            var baseline = MachineDescription.ProcBytes("/proc/self/status", "VmRSS") ?? 0;

            using var module = Model(layers, dtype);
            var moduleBytes = module.parameters().Sum(p => p.NumberOfElements * p.ElementSize);
            var afterBuild = MachineDescription.ProcBytes("/proc/self/status", "VmRSS") ?? 0;

            var load = Stopwatch.StartNew();
            LoadReport report;
            using (var checkpoint = CheckpointReader.Open(path))
                report = materialize
                    ? StateDictLoader.Load(module, checkpoint.StateDict(), sourceName: path)
                    : StateDictLoader.Load(module, checkpoint.LazyStateDict(), sourceName: path);
            load.Stop();
            var peak = MachineDescription.ProcBytes("/proc/self/status", "VmHWM") ?? 0;

            Console.WriteLine($"load path: {(materialize ? "materialised tensors, one at a time (Checkpoint.StateDict)" : "lazy tensors read straight into the parameters (Checkpoint.LazyStateDict)")}");
            Console.WriteLine($"loaded {report.Loaded} tensors in {load.Elapsed.TotalSeconds:0.00} s ({fileBytes / load.Elapsed.TotalSeconds / (1 << 30):0.00} GiB/s, file in page cache)");
            Console.WriteLine($"RSS before module: {Mib(baseline)}; module parameters: {Mib(moduleBytes)}; RSS after building module: {Mib(afterBuild)}");
            Console.WriteLine($"peak RSS (VmHWM{(peakReset ? ", reset after writing" : ", NOT reset: includes writing")}): {Mib(peak)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"peak RSS / file size = {peak / (double)fileBytes:0.000}; (peak - RSS before module) / file size = {(peak - baseline) / (double)fileBytes:0.000}; load overhead above the built module = {Mib(peak - afterBuild)}"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static IEnumerable<KeyValuePair<string, Tensor>> SyntheticStateDict(int layers, ScalarType dtype)
    {
        for (int i = 0; i < layers; i++)
        {
            using var weight = randn([Width, Width], dtype: dtype);
            yield return new($"{i}.weight", weight);
            using var bias = randn([Width], dtype: dtype);
            yield return new($"{i}.bias", bias);
        }
    }

    private static nn.Module Model(int layers, ScalarType dtype)
    {
        var modules = Enumerable.Range(0, layers).Select(i => ($"{i}", (nn.Module<Tensor, Tensor>)nn.Linear(Width, Width, dtype: dtype))).ToArray();
        return nn.Sequential(modules);
    }

    /// <summary>Writing "5" to /proc/self/clear_refs resets VmHWM to the current RSS (Linux 4.0+).</summary>
    private static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 20):0.0} MiB");
}
