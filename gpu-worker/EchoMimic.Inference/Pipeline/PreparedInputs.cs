using static TorchSharp.torch;

namespace EchoMimic.Inference.Pipeline;

/// <summary>
/// Everything the denoising loop needs, computed once per job (the CLI's preparation, the cloud's prepare task):
/// plain tensors, all float32 on the CPU.
/// </summary>
/// <param name="ReferenceLatents">(1, 4, H/8, W/8): <c>vae.encode(ref).latent_dist.mean * 0.18215</c>.</param>
/// <param name="PoseFeatures">(1, C0, F, H/8, W/8): the pose encoder's output for every frame of the clip.</param>
/// <param name="AudioChunks">(1, F', rows, 384): <c>audio_fea_final</c> (F' &gt;= F chunks; frames index into it).</param>
/// <param name="Frames">F: the clip's length in video frames.</param>
public sealed record PreparedInputs(Tensor ReferenceLatents, Tensor PoseFeatures, Tensor AudioChunks, int Frames, int Width, int Height) : IDisposable
{
    /// <summary>The inputs of frames [start, start + count) only, for rendering a segment alone (the reference latents are shared).</summary>
    public PreparedInputs Slice(int start, int count)
    {
        if (start < 0 || count <= 0 || start + count > Frames) throw new ArgumentOutOfRangeException(nameof(start), $"frames [{start}, {start + count}) are outside the clip's {Frames} frames");
        return new PreparedInputs(ReferenceLatents.alias(), PoseFeatures.narrow(2, start, count), AudioChunks.narrow(1, start, count), count, Width, Height);
    }

    public void Dispose()
    {
        ReferenceLatents.Dispose();
        PoseFeatures.Dispose();
        AudioChunks.Dispose();
    }
}
