using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EchoMimic.Inference.Torch;

/// <summary>
/// On CPUs NNPACK does not support, libtorch logs "Could not initialize NNPACK! Reason: Unsupported hardware." through
/// c10's LOG(WARNING) on every convolution, flooding the CLI (and TORCH_CPP_LOG_LEVEL is only read by Python's
/// start-up, not by libtorch alone). PyTorch's answer is <c>torch.backends.nnpack.set_flags(False)</c>, i.e.
/// <c>at::globalContext().setUserEnabledNNPACK(false)</c>; TorchSharp does not expose it, so we call the exported
/// C++ symbols of the already-loaded libtorch_cpu directly. NNPACK is not used on such CPUs anyway, so results do
/// not change. Failure to find the symbols only leaves the warnings.
/// </summary>
internal static partial class NativeLogLevel
{
#pragma warning disable CA2255 // a library module initializer is the point: it must run before the first convolution
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void DisableNnpack()
    {
        try
        {
            _ = TorchSharp.torch.__version__; // loads libtorch
            if (!NativeLibrary.TryLoad("libtorch_cpu.so", out var library)) return;
            if (!NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out var globalContext)) return;
            if (!NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledNNPACKEb", out var setEnabled)) return;
            unsafe
            {
                var context = ((delegate* unmanaged<IntPtr>)globalContext)();
                ((delegate* unmanaged<IntPtr, byte, void>)setEnabled)(context, 0);
            }
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException)
        {
            // The backend failed to load; the first real use reports it with the full cause.
        }
    }
}
