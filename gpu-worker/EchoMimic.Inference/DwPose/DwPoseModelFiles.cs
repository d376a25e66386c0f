using EchoMimic.Core;

namespace EchoMimic.Inference.DwPose;

/// <summary>
/// Where the two official DWPose ONNX files live: <c>--models DIR</c>, default <c>./pretrained_weights/dwpose</c>
/// (the layout of the official repo's pretrained_weights). Missing files are a user error naming the path and the source.
/// </summary>
public sealed record DwPoseModelFiles(string Detector, string Pose)
{
    public const string DefaultFolder = "pretrained_weights/dwpose";
    public const string DetectorFile = "yolox_l.onnx";
    public const string PoseFile = "dw-ll_ucoco_384.onnx";
    public const string Source = "https://huggingface.co/yzd-v/DWPose (files yolox_l.onnx and dw-ll_ucoco_384.onnx)";

    public static DwPoseModelFiles InFolder(string? folder)
    {
        folder = Path.GetFullPath(string.IsNullOrWhiteSpace(folder) ? DefaultFolder : folder);
        return new DwPoseModelFiles(Path.Combine(folder, DetectorFile), Path.Combine(folder, PoseFile));
    }

    public bool Present => File.Exists(Detector) && File.Exists(Pose);

    /// <summary>Throws <see cref="InputException"/> naming the first missing file and where to download it.</summary>
    public DwPoseModelFiles Require()
    {
        foreach (var path in new[] { Detector, Pose })
            if (!File.Exists(path))
                throw new InputException(path, $"DWPose model file is missing; download it from {Source} into {Path.GetDirectoryName(path)} or pass --models DIR");
        return this;
    }
}
