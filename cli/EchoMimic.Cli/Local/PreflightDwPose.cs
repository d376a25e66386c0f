using EchoMimic.Inference.DwPose;

namespace EchoMimic.Cli.Local;

/// <summary>The render preflight's poser: the official DWPose ONNX models (GPU when built for it, else CPU).</summary>
public sealed class PreflightDwPose(DwPoseEstimator estimator, string description) : IPreflightPoser
{
    public string Description { get; } = description;

    public static PreflightDwPose Open(DwPoseModelFiles files)
    {
        var estimator = DwPoseEstimator.Open(files.Require(), preferGpu: Environment.GetEnvironmentVariable("ECHOMIMIC_DWPOSE_CPU") != "1");
        return new PreflightDwPose(estimator, $"DWPose ({Path.GetDirectoryName(files.Detector)}) on {estimator.ExecutionProvider}");
    }

    public PortraitAnalysis Analyse(RgbImage image, string input) => PortraitFraming.Analyse(estimator, image, input);

    public void Dispose() => estimator.Dispose();
}
