using EchoMimic.Core;
using EchoMimic.Core.Jobs;
using EchoMimic.Inference.Audio;
using EchoMimic.Inference.Gestures.Composition;
using EchoMimic.Inference.Pipeline;
using EchoMimic.Inference.Pose;
using EchoMimic.Inference.Samples;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Jobs;

/// <summary>
/// A job's inputs read from local files and checked: the portrait resized to the render size, the speech decoded to
/// 16 kHz mono, the gesture's pose frames. Every problem is an <see cref="InputException"/> naming the file, so the
/// CLI can refuse bad input before it starts a job and the Prepare activity reports it as the job's error.
/// </summary>
public sealed class JobInputFiles : IDisposable
{
    private JobInputFiles(Tensor image, float[] samples, IReadOnlyList<PoseFrame> gesture)
    {
        Image = image;
        Samples = samples;
        Gesture = gesture;
    }

    /// <summary>(H, W, 3) uint8 RGB at the render size.</summary>
    public Tensor Image { get; }

    /// <summary>16 kHz mono samples.</summary>
    public float[] Samples { get; }

    public IReadOnlyList<PoseFrame> Gesture { get; }

    public double AudioSeconds => Samples.Length / (double)AudioFileDecoder.SampleRate;

    /// <summary>
    /// Reads and checks the inputs; <paramref name="poseFolder"/> or else <paramref name="gestureName"/>: a built-in
    /// gesture, or <see cref="PoseSource.Compose"/>, a gesture composed from the audio with <paramref name="composeSeed"/>.
    /// </summary>
    public static JobInputFiles Read(string image, string audio, string? poseFolder, string? gestureName, int width, int height, double fps,
        CancellationToken cancellationToken, int composeSeed = 0)
    {
        if (width <= 0 || width % 8 != 0) throw new InputException("width", $"{width} is not a positive multiple of 8");
        if (height <= 0 || height % 8 != 0) throw new InputException("height", $"{height} is not a positive multiple of 8");
        IReadOnlyList<PoseFrame>? gesture = null;
        if (poseFolder is null && gestureName == PoseSource.Compose)
        {
            // Composed below, once the audio is decoded.
        }
        else if (poseFolder is not null)
        {
            gesture = NpyPoseReader.ReadFolder(poseFolder);
        }
        else if (gestureName is not null && GestureLibrary.Names.Contains(gestureName))
        {
            gesture = GestureLibrary.Make(gestureName);
        }
        else
        {
            throw new InputException(gestureName ?? "pose", $"unknown gesture (built-in: {string.Join(", ", GestureLibrary.Names)})");
        }

        if (gesture is { Count: 0 }) throw new InputException(poseFolder ?? gestureName!, "gesture has no frames");
        var (picture, _, _) = ReferenceImage.Load(image, width, height);
        try
        {
            var samples = AudioFileDecoder.Decode(audio, cancellationToken);
            if ((int)(samples.Length / (double)AudioFileDecoder.SampleRate * fps) < 1)
            {
                throw new InputException(audio, $"audio is too short ({samples.Length * 1000.0 / AudioFileDecoder.SampleRate:F0} ms) for one video frame at {fps} fps");
            }

            gesture ??= GestureComposer.Compose(samples, fps, (int)Math.Ceiling(samples.Length / (double)AudioFileDecoder.SampleRate * fps), composeSeed).Frames;
            return new JobInputFiles(picture, samples, gesture);
        }
        catch
        {
            picture.Dispose();
            throw;
        }
    }

    public void Dispose() => Image.Dispose();
}
