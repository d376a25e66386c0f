using System.Globalization;
using EchoMimic.Core;
using static TorchSharp.torch;

namespace EchoMimic.GpuWorker.Hosting;

/// <summary>
/// The torch device the worker renders on, from <c>EchoMimic__Worker__Device</c>: <c>cpu</c>, <c>cuda</c> or
/// <c>cuda:N</c>; unset means cuda when libtorch sees a GPU, else cpu. Asking for CUDA where libtorch has none (the
/// CPU build, a replica without a GPU, N past the device count) is a configuration error naming the variable: a GPU
/// replica silently rendering on its CPU would take hours per segment and lose every lock.
/// </summary>
public static class WorkerDevice
{
    public const string Variable = "EchoMimic__Worker__Device";

    /// <summary>Checks the text of the setting (no torch call): null, cpu, cuda, cuda:N.</summary>
    public static string? Validate(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var value = text.Trim().ToLowerInvariant();
        if (value is "cpu" or "cuda"
            || (value.StartsWith("cuda:", StringComparison.Ordinal)
                && int.TryParse(value.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return value;
        }

        throw new InputException(Variable, $"'{text}' is not cpu, cuda or cuda:N");
    }

    /// <summary>Resolves the setting against what libtorch offers; returns the device and how it was chosen.</summary>
    public static (Device Device, string Reason) Resolve(string? setting) =>
        Resolve(setting, cuda.is_available(), cuda.is_available() ? cuda.device_count() : 0);

    /// <summary>As <see cref="Resolve(string?)"/> with the CUDA facts given (tests).</summary>
    public static (Device Device, string Reason) Resolve(string? setting, bool cudaAvailable, int cudaDevices)
    {
        var value = Validate(setting);
        if (value is null)
        {
            return cudaAvailable
                ? (new Device(TorchSharp.DeviceType.CUDA, 0), $"{Variable} unset; CUDA is available ({cudaDevices} device(s))")
                : (CPU, $"{Variable} unset; CUDA is not available");
        }

        if (value == "cpu")
        {
            return (CPU, $"{Variable}=cpu");
        }

        if (!cudaAvailable)
        {
            throw new InputException(Variable,
                $"asks for '{value}' but CUDA is not available to libtorch here (CPU-only libtorch, no GPU or no driver); "
                + "set it to cpu or run the GPU image on a GPU replica");
        }

        var index = value == "cuda" ? 0 : int.Parse(value.AsSpan(5), CultureInfo.InvariantCulture);
        if (index >= cudaDevices)
        {
            throw new InputException(Variable, $"asks for '{value}' but libtorch sees {cudaDevices} CUDA device(s)");
        }

        return (new Device(TorchSharp.DeviceType.CUDA, index), $"{Variable}={value}");
    }
}
