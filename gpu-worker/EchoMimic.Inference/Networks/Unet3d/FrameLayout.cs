using static TorchSharp.torch;

namespace EchoMimic.Inference.Networks.Unet3d;

/// <summary>
/// Conversions between video tensors (b, c, f, h, w) and the frame-batched layout ((b f), c, h, w) that the official
/// inflated modules use internally (<c>rearrange "b c f h w -> (b f) c h w"</c>).
/// </summary>
public static class FrameLayout
{
    public static Tensor ToFrameBatch(Tensor video)
    {
        if (video.dim() != 5) throw new ArgumentException($"expected a (b, c, f, h, w) tensor, got [{string.Join(", ", video.shape)}]", nameof(video));
        long b = video.shape[0], c = video.shape[1], f = video.shape[2], h = video.shape[3], w = video.shape[4];
        return video.permute(0, 2, 1, 3, 4).reshape(b * f, c, h, w);
    }

    public static Tensor ToVideo(Tensor frames, long frameCount)
    {
        long rows = frames.shape[0], c = frames.shape[1], h = frames.shape[2], w = frames.shape[3];
        return frames.view(rows / frameCount, frameCount, c, h, w).permute(0, 2, 1, 3, 4).contiguous();
    }
}
