using static TorchSharp.torch;

namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// How the denoising UNet's weights are put together, and what the official strict=False load hides.
/// <para>
/// Official (src/models/unet_3d_emo.py <c>EMOUNet3DConditionModel.from_pretrained_2d</c>, infer.py): build the 3-D
/// UNet, copy every tensor of the SD base UNet merged with <c>motion_module.pth</c> whose key AND shape match (others
/// are skipped silently), then <c>load_state_dict(torch.load(denoising_unet.pth), strict=False)</c>. strict=False
/// hides: (1) keys absent from <c>denoising_unet.pth</c>, which keep the motion-module value, the SD base value, or
/// the constructor's random/zero value; (2) keys of <c>denoising_unet.pth</c> the model lacks, dropped without a
/// word. It does not hide wrong shapes (load_state_dict raises on them even with strict=False).
/// </para>
/// <para>
/// Here: the two files are streamed in the official order (motion_module.pth, then denoising_unet.pth, so the latter
/// wins on a key both carry) into one strict load. Any key neither file supplies is an error that names it, instead
/// of a silent SD/random value; the SD base (<c>sd-image-variations-diffusers</c>) is never needed because the
/// manifest attributes every key to one of the two files. Keys the model lacks are an error too, unless the caller
/// opts into <see cref="DroppedByStrictFalse"/>, which mirrors the official leniency by name and lists what it drops.
/// </para>
/// </summary>
public static class DenoisingUNetWeights
{
    /// <summary>The official strict=False drops every checkpoint key the model lacks; opt in to do the same, reported by name.</summary>
    public static readonly ToleratedPrefix DroppedByStrictFalse = new("",
        "infer.py loads denoising_unet.pth with strict=False: checkpoint keys the EMOUNet3DConditionModel does not have (training-time extras, a prefixed copy) are dropped",
        ToleratedDifference.Unexpected);

    /// <summary>The motion-module file and the denoising-UNet file of <c>infer.py</c> (standard) or <c>infer_acc.py</c> (accelerated), in load order.</summary>
    public static IReadOnlyList<string> Files(string weightsDirectory, bool accelerated) =>
    [
        Path.Combine(weightsDirectory, accelerated ? "motion_module_acc.pth" : "motion_module.pth"),
        Path.Combine(weightsDirectory, accelerated ? "denoising_unet_acc.pth" : "denoising_unet.pth"),
    ];

    /// <summary>Both files as one stream of tensors, each read when reached; the files are open only while enumerated.</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> StateDict(string weightsDirectory, bool accelerated)
    {
        foreach (var file in Files(weightsDirectory, accelerated))
        {
            using var checkpoint = CheckpointReader.Open(file);
            foreach (var entry in checkpoint.StateDict()) yield return entry;
        }
    }

    /// <summary>Both files as one stream of lazy tensors (shapes without data); a file is open while its tensors are enumerated.</summary>
    public static IEnumerable<KeyValuePair<string, LazyTensor>> LazyStateDict(string weightsDirectory, bool accelerated)
    {
        foreach (var file in Files(weightsDirectory, accelerated))
        {
            using var checkpoint = CheckpointReader.Open(file);
            foreach (var entry in checkpoint.LazyStateDict()) yield return entry;
        }
    }

    /// <summary>
    /// Strict streaming load of both files into <paramref name="unet"/> (tensors read straight into the parameters
    /// where dtypes match); <paramref name="officialLeniency"/> adds <see cref="DroppedByStrictFalse"/>.
    /// </summary>
    public static LoadReport Load(nn.Module unet, string weightsDirectory, bool accelerated, bool officialLeniency = false) =>
        StateDictLoader.Load(unet, LazyStateDict(weightsDirectory, accelerated), officialLeniency ? [DroppedByStrictFalse] : [],
            string.Join(" + ", Files(weightsDirectory, accelerated).Select(Path.GetFileName)));
}
