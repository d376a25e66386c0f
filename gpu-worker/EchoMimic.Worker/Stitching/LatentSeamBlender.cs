using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;

namespace EchoMimic.Worker.Stitching;

/// <summary>
/// Latent blending of one seam: the 2·O frames both neighbours rendered are mixed in latent space with the same
/// linear weights the pixel crossfade uses (<see cref="StitchPlan"/>; the right segment's weight rises from
/// 1/(4O) to 1 − 1/(4O)), and the mix is decoded with the engine's VAE. Mixing before the (non-linear) decoder
/// yields frames the decoder could have produced, instead of a double exposure of two decoded sequences; that is
/// the point of issue 10's "latent blending". Seams whose latents are missing or do not match their segment stay
/// on the pixel crossfade (<see cref="Methods"/> says which seam got what).
/// </summary>
internal sealed class LatentSeamBlender
{
    public const string Latent = "latent";
    public const string Crossfade = "pixel-crossfade";

    private readonly ILatentDecoder? decoder;
    private readonly SegmentPlan plan;
    private readonly StitchPlan stitch;
    private readonly IReadOnlyDictionary<int, string> latentFiles;
    private readonly int frameBytes;

    public LatentSeamBlender(ILatentDecoder? decoder, SegmentPlan plan, IReadOnlyDictionary<int, string> latentFiles, int frameBytes)
    {
        this.decoder = decoder;
        this.plan = plan;
        this.latentFiles = latentFiles;
        this.frameBytes = frameBytes;
        stitch = new StitchPlan(plan);
        Methods = Enumerable.Range(0, plan.Segments.Count - 1)
            .Select(seam => decoder is not null && latentFiles.ContainsKey(seam) && latentFiles.ContainsKey(seam + 1) ? Latent : Crossfade)
            .ToArray();
    }

    /// <summary>Per seam (in order), how it is blended; a seam falls back to the crossfade when its latents do not fit.</summary>
    public string[] Methods { get; }

    /// <summary>First output frame of seam <paramref name="seam"/>'s blend region.</summary>
    public int RegionStart(int seam) => plan.Segments[seam + 1].Start - plan.Overlap;

    public int RegionLength => 2 * plan.Overlap;

    /// <summary>The decoded blend of seam <paramref name="seam"/>'s region, or null when it is crossfaded.</summary>
    public async Task<IReadOnlyList<byte[]>?> DecodeAsync(int seam, CancellationToken cancellationToken)
    {
        if (Methods[seam] != Latent)
        {
            return null;
        }

        var left = plan.Segments[seam];
        var right = plan.Segments[seam + 1];
        var leftLatents = LatentClip.Read(latentFiles[seam]);
        var rightLatents = LatentClip.Read(latentFiles[seam + 1]);
        if (leftLatents.Frames != left.RenderedFrames || rightLatents.Frames != right.RenderedFrames
            || (leftLatents.Channels, leftLatents.Height, leftLatents.Width) != (rightLatents.Channels, rightLatents.Height, rightLatents.Width))
        {
            Methods[seam] = Crossfade;
            return null;
        }

        var size = leftLatents.FrameSize;
        var values = new float[RegionLength * size];
        var start = RegionStart(seam);
        for (var i = 0; i < RegionLength; i++)
        {
            var sources = stitch.SourcesOf(start + i);
            var a = leftLatents.Frame(sources[0].LocalFrame);
            var b = rightLatents.Frame(sources[1].LocalFrame);
            float wa = (float)sources[0].Weight, wb = (float)sources[1].Weight;
            var target = values.AsSpan(i * size, size);
            for (var j = 0; j < size; j++)
            {
                target[j] = wa * a[j] + wb * b[j];
            }
        }

        var frames = await decoder!.DecodeAsync(new LatentClip(RegionLength, leftLatents.Channels, leftLatents.Height, leftLatents.Width,
            values), cancellationToken).ConfigureAwait(false);
        if (frames.Count != RegionLength || frames.Any(frame => frame.Length != frameBytes))
        {
            throw new InvalidOperationException(
                $"the latent decoder returned {frames.Count} frames of {frames.FirstOrDefault()?.Length} bytes for seam {seam}; " +
                $"{RegionLength} frames of {frameBytes} bytes (the clips' size) were needed");
        }

        return frames;
    }
}
