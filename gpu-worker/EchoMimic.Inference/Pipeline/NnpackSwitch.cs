using System.Runtime.InteropServices;

namespace EchoMimic.Inference.Pipeline;

/// <summary>
/// Turns libtorch's NNPACK convolution path off (<c>torch.backends.nnpack.enabled = False</c>, which TorchSharp does not
/// expose). On CPUs NNPACK does not support, libtorch otherwise logs "Could not initialize NNPACK!" on every
/// convolution, hundreds of lines per render; the results are the same without it.
/// </summary>
public static class NnpackSwitch
{
    private static bool _done;

    [DllImport("libtorch_cpu.so", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu.so", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    /// <summary>Disables NNPACK once; does nothing where the symbol cannot be found (another libtorch build).</summary>
    public static void Disable()
    {
        if (_done) return;
        _done = true;
        _ = TorchSharp.torch.__version__; // loads libtorch first, so the name resolves to the loaded library
        try
        {
            SetUserEnabledNnpack(GlobalContext(), false);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Logging noise only; rendering is unaffected.
        }
    }
}
