namespace EchoMimic.Inference.Checkpoints;

/// <summary>
/// The official networks at full size, for <c>echomimic weights layout</c> and the layout test. Each builder should
/// create its module on the meta device (no weights allocated: the UNets alone are several GB in float32).
/// </summary>
public static class FullSizeModules
{
    /// <summary>
    /// TODO(lead, after merging net1 and unet): register the five networks under their manifest names, e.g.
    /// <c>new("pose_encoder", () =&gt; new PoseEncoder(PoseEncoderConfig.Official, device: torch.META))</c>, and likewise
    /// <c>vae</c>, <c>reference_unet</c>, <c>denoising_unet</c> and <c>whisper_tiny</c> (full Whisper with decoder, or the
    /// encoder-only module whose layout then lacks the 100 decoder keys).
    /// </summary>
    public static IReadOnlyList<FullSizeModule> All { get; } = [];
}
