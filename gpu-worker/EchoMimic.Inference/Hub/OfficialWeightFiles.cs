using EchoMimic.Inference.Checkpoints;
using EchoMimic.Inference.DwPose;

namespace EchoMimic.Inference.Hub;

/// <summary>
/// The files of an official <c>pretrained_weights/</c> folder and where the EchoMimicV2 README sends users for them:
/// the four EchoMimic checkpoints (or the two <c>_acc</c> files of infer_acc.py in place of the denoising UNet and
/// motion module) from the hub repository <c>BadToBest/EchoMimicV2</c>, the VAE from its original hub repository
/// <c>stabilityai/sd-vae-ft-mse</c>, Whisper tiny from openai's download URL, and optionally the two DWPose ONNX
/// models from <c>yzd-v/DWPose</c> into <c>dwpose/</c> (where <see cref="DwPoseModelFiles"/> looks). The layout is
/// the one <see cref="WeightsCheck"/> expects.
/// </summary>
public static class OfficialWeightFiles
{
    public const string EchoMimicRepo = "BadToBest/EchoMimicV2";
    public const string VaeRepo = "stabilityai/sd-vae-ft-mse";
    public const string DwPoseRepo = "yzd-v/DWPose";

    /// <summary>
    /// The VAE as the legacy <c>.bin</c>: the file the weights manifest describes (legacy attention names and all);
    /// diffusers loads it when no <c>.safetensors</c> is beside it, and <see cref="WeightsCheck"/> accepts either.
    /// </summary>
    public const string VaeWeights = DiffusersFolder.WeightsName + ".bin";

    public static IReadOnlyList<RemoteWeightFile> For(HubSettings hub, bool accelerated, bool dwpose)
    {
        var files = new List<RemoteWeightFile>
        {
            Hub(hub, EchoMimicRepo, "pose_encoder.pth"),
            Hub(hub, EchoMimicRepo, "reference_unet.pth"),
            Hub(hub, EchoMimicRepo, accelerated ? "motion_module_acc.pth" : "motion_module.pth"),
            Hub(hub, EchoMimicRepo, accelerated ? "denoising_unet_acc.pth" : "denoising_unet.pth"),
            Hub(hub, VaeRepo, "config.json", WeightsCheck.VaeFolder),
            Hub(hub, VaeRepo, VaeWeights, WeightsCheck.VaeFolder),
            new("audio_processor/tiny.pt", hub.WhisperTinyUrl, Repo: null, WhisperSha256(hub.WhisperTinyUrl)),
        };
        if (dwpose)
        {
            var folder = Path.GetFileName(DwPoseModelFiles.DefaultFolder);
            files.Add(Hub(hub, DwPoseRepo, DwPoseModelFiles.DetectorFile, folder));
            files.Add(Hub(hub, DwPoseRepo, DwPoseModelFiles.PoseFile, folder));
        }
        return files;
    }

    /// <summary>
    /// The SHA-256 in a Whisper model URL: openai's URLs carry it as the folder name, and whisper's own
    /// <c>_download</c> checks the file against <c>url.split("/")[-2]</c>. Null when the URL has none.
    /// </summary>
    public static string? WhisperSha256(Uri url)
    {
        var segments = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 2 && Sha256Hex.IsSha256(segments[^2]) ? segments[^2].ToLowerInvariant() : null;
    }

    private static RemoteWeightFile Hub(HubSettings hub, string repo, string path, string? folder = null) =>
        new(folder is null ? path : $"{folder}/{path}", hub.Resolve(repo, path), repo);
}
