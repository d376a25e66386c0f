using System.Threading.Channels;
using EchoMimic.Core;

namespace EchoMimic.Inference.DwPose;

/// <summary>What extraction saw: frame count, frames filled by interpolation, frames with several people.</summary>
public sealed record ExtractionReport(int Frames, IReadOnlyList<int> FilledFrames, int MultiPersonFrames, int CropLeft, int CropTop, int CropSide);

/// <summary>
/// <c>pose extract</c>: DWPose on every frame of a video (batch 1, as the official models are used), the largest
/// person per frame, a square gesture frame cut around the person, gaps filled and jitter smoothed
/// (<see cref="GestureSmoothing"/>). Decoding runs ahead of inference through a bounded channel.
/// </summary>
public static class GestureExtractor
{
    private const int DecodeAhead = 8;

    public static (GestureSequence Sequence, ExtractionReport Report) Extract(
        VideoFrameSource video, DwPoseEstimator estimator, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        var channel = Channel.CreateBounded<RgbImage>(new BoundedChannelOptions(DecodeAhead) { SingleReader = true, SingleWriter = true });
        var decoder = Task.Run(async () =>
        {
            try
            {
                foreach (var frame in video.Frames(cancellation)) await channel.Writer.WriteAsync(frame, cancellation);
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
        }, cancellation);

        var persons = new List<PersonPose?>();
        int multi = 0;
        try
        {
            while (channel.Reader.WaitToReadAsync(cancellation).AsTask().GetAwaiter().GetResult())
                while (channel.Reader.TryRead(out var image))
                {
                    var detection = estimator.Detect(image);
                    // The detector found nobody: DWPose then poses the whole image, which is not a person.
                    persons.Add(detection.Boxes.Persons.Count == 0 ? null : detection.Persons.MaxBy(p => p.BodyArea()));
                    if (detection.Boxes.Persons.Count > 1) multi++;
                    progress?.Report(persons.Count);
                }
        }
        catch (ChannelClosedException e) when (e.InnerException is InputException inner)
        {
            throw inner;
        }
        decoder.GetAwaiter().GetResult();
        if (persons.Count == 0) throw new InputException(video.Path, "the video has no frames");
        if (persons.All(p => p is null)) throw new InputException(video.Path, $"no person detected in any of the {persons.Count} frames");
        return Assemble(persons, video.Height, video.Width, video.Fps, multi);
    }

    /// <summary>Square crop, normalisation, gap filling and smoothing of per-frame detections (pixels; null = nobody).</summary>
    public static (GestureSequence Sequence, ExtractionReport Report) Assemble(IReadOnlyList<PersonPose?> persons, int height, int width, double fps, int multiPersonFrames = 0)
    {
        var (left, top, side) = SquareCrop(persons, height, width);
        var normalised = persons.Select(p => p is null ? ((double[], float[])?)null
            : (p.Xy.Select((v, i) => (v - (i % 2 == 0 ? left : top)) / side).ToArray(), p.Scores)).ToList();
        var filled = GestureSmoothing.FillGaps(normalised);
        var smoothed = GestureSmoothing.Smooth(filled);
        var gaps = Enumerable.Range(0, persons.Count).Where(i => persons[i] is null).ToList();
        return (new GestureSequence(fps, smoothed), new ExtractionReport(persons.Count, gaps, multiPersonFrames, left, top, side));
    }

    /// <summary>
    /// The official gestures live in a square frame around the person (EMTD crops each video square). Side = the
    /// short side of the video; horizontally centred on the median neck, vertically placed so the median head top
    /// sits at the official margin, both clamped inside the video.
    /// </summary>
    private static (int Left, int Top, int Side) SquareCrop(IReadOnlyList<PersonPose?> persons, int height, int width)
    {
        int side = Math.Min(height, width);
        var seen = persons.Where(p => p is not null).Select(p => NormalizedPose.FromPerson(p!, 1, 1)).Select(FramingMetrics.Measure).ToList();
        double neckX = FramingSurvey.Median(seen.Select(m => m.NeckX));
        double headTop = FramingSurvey.Median(seen.Select(m => m.HeadTopY));
        int left = double.IsNaN(neckX) ? (width - side) / 2 : (int)Math.Round(neckX - side * OfficialFraming.NeckX.Expected);
        int top = double.IsNaN(headTop) ? 0 : (int)Math.Round(headTop - side * OfficialFraming.HeadTopY.Expected);
        return (Math.Clamp(left, 0, width - side), Math.Clamp(top, 0, height - side), side);
    }
}
