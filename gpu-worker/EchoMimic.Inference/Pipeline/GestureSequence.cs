using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.Pipeline;

/// <summary>
/// Fits a gesture to the audio. The official code cuts the video to min(audio, pose frames), its most reported
/// limitation; here a short gesture is extended by ping-pong (forward, then backward without repeating the end
/// frames, and so on) so the whole audio is rendered.
/// </summary>
public static class GestureSequence
{
    /// <summary>The source frame index for each of <paramref name="frames"/> output frames.</summary>
    public static int[] PingPong(int sourceFrames, int frames)
    {
        if (sourceFrames <= 0) throw new ArgumentOutOfRangeException(nameof(sourceFrames));
        var indices = new int[frames];
        int period = Math.Max(1, 2 * sourceFrames - 2);
        for (int i = 0; i < frames; i++)
        {
            int k = i % period;
            indices[i] = sourceFrames == 1 ? 0 : k < sourceFrames ? k : period - k;
        }
        return indices;
    }

    public static IReadOnlyList<PoseFrame> Fit(IReadOnlyList<PoseFrame> gesture, int frames) =>
        PingPong(gesture.Count, frames).Select(i => gesture[i]).ToArray();
}
