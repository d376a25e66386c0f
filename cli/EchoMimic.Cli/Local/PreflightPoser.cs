using EchoMimic.Inference.DwPose;

namespace EchoMimic.Cli.Local;

/// <summary>
/// How the render preflight finds the person in a portrait: DWPose on ONNX Runtime (<see cref="PreflightDwPose"/>), or
/// synthetic keypoints in tests (the tiny fixture models give arbitrary keypoints, so exact framing numbers need them).
/// </summary>
public interface IPreflightPoser : IDisposable
{
    /// <summary>What runs (for the console and report.json), e.g. the model folder and execution provider.</summary>
    string Description { get; }

    /// <summary>The chosen (largest) person and its framing; <see cref="EchoMimic.Core.InputException"/> when nobody is found.</summary>
    PortraitAnalysis Analyse(RgbImage image, string input);
}
