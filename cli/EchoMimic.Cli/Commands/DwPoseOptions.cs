using System.CommandLine;
using EchoMimic.Core;
using EchoMimic.Inference.DwPose;

namespace EchoMimic.Cli.Commands;

/// <summary>The shared <c>--models DIR</c> option of the DWPose commands and how it opens the estimator.</summary>
internal static class DwPoseOptions
{
    public static Option<string?> Models() => new("--models")
    {
        Description = $"folder with {DwPoseModelFiles.DetectorFile} and {DwPoseModelFiles.PoseFile} (default ./{DwPoseModelFiles.DefaultFolder}; from {DwPoseModelFiles.Source})",
    };

    /// <summary>Opens DWPose; the GPU build (EchoMimicGpu=true) asks ONNX Runtime for CUDA and falls back to CPU.</summary>
    public static DwPoseEstimator Open(string? folder)
    {
        var files = DwPoseModelFiles.InFolder(folder).Require();
        var estimator = DwPoseEstimator.Open(files, preferGpu: Environment.GetEnvironmentVariable("ECHOMIMIC_DWPOSE_CPU") != "1");
        Console.Error.WriteLine($"dwpose: {files.Detector}, {files.Pose} on {estimator.ExecutionProvider}");
        return estimator;
    }
}
