using TorchSharp;

namespace EchoMimic.Inference.Torch;

/// <summary>Facts about the loaded libtorch, used by the CLI banner, reports and the loading test.</summary>
public static class TorchRuntime
{
    /// <summary>The libtorch version string; touching it loads the native backend.</summary>
    public static string LibTorchVersion => torch.__version__;

    public static bool CudaAvailable => torch.cuda.is_available();
}
