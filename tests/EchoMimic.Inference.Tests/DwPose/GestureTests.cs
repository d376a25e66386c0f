using EchoMimic.Core;
using EchoMimic.Inference.DwPose;
using EchoMimic.Inference.Pose;

namespace EchoMimic.Inference.Tests.DwPose;

public sealed class GestureTests
{
    /// <summary>A short synthetic "extraction": a person swaying right by 10 px a frame in a 640x480 video; frame 2 has nobody.</summary>
    private static (GestureSequence Sequence, ExtractionReport Report) SyntheticExtraction()
    {
        var persons = Enumerable.Range(0, 6)
            .Select(i => i == 2 ? null : SyntheticPerson.Upright(cx: 300 + 10 * i, neckY: 250, shoulderWidth: 180, browY: 100, chinY: 170, hipY: 470))
            .ToList();
        return GestureExtractor.Assemble(persons, height: 480, width: 640, fps: 24);
    }

    [Fact]
    public void Extracted_sequence_round_trips_through_npy_and_draws_identically()
    {
        var (sequence, _) = SyntheticExtraction();
        var folder = Directory.CreateTempSubdirectory("gesture-npy-").FullName;
        NpyPoseWriter.WriteFolder(folder, sequence.ToPoseFrames());
        var read = NpyPoseReader.ReadFolder(folder);
        Assert.Equal(sequence.Frames.Count, read.Count);
        for (int i = 0; i < read.Count; i++)
        {
            var direct = sequence.ToPoseFrame(i);
            Assert.Equal(PoseMapRenderer.RenderFrame(direct, 512, 512, out _), PoseMapRenderer.RenderFrame(read[i], 512, 512, out _));
            Assert.Equal(PosePreviewRenderer.Draw(direct, 256).Pixels, PosePreviewRenderer.Draw(read[i], 256).Pixels);
            Assert.Equal(i, read[i].Num);
            Assert.Equal([768, 768, 0, 768, 0, 768], read[i].DrawPoseParams);
        }
    }

    [Fact]
    public void Frame_without_person_is_interpolated_and_reported()
    {
        var (sequence, report) = SyntheticExtraction();
        Assert.Equal([2], report.FilledFrames);
        Assert.True(sequence.Frames[2].Interpolated);
        Assert.False(sequence.Frames[1].Interpolated);
        // Square crop: side 480, neck median x = 320 (frames 0,1,3,4,5 -> 300,310,330,340,350: median 330) -> left = 330 - 240 = 90.
        Assert.Equal(480, report.CropSide);
        Assert.Equal(90, report.CropLeft);
        // The person moves linearly, so interpolation and the symmetric smoothing both keep the neck on the line:
        // x(i) = (300 + 10 i - 90) / 480 for the interior frames 1..4.
        for (int i = 1; i <= 4; i++) Assert.Equal((300 + 10 * i - 90) / 480.0, sequence.Frames[i].X(1), 9);
    }

    [Fact]
    public void Smoothing_is_a_centred_1_2_3_2_1_average_of_confident_points()
    {
        var frames = Enumerable.Range(0, 9).Select(i => new GestureFrame(
            Enumerable.Repeat(i == 4 ? 0.9 : 0.0, PersonPose.Points * 2).ToArray(),
            Enumerable.Repeat(0.9f, PersonPose.Points).ToArray(), false)).ToList();
        frames[5] = frames[5] with { Scores = Enumerable.Repeat(0.2f, PersonPose.Points).ToArray(), Xy = Enumerable.Repeat(5.0, PersonPose.Points * 2).ToArray() };
        var smoothed = GestureSmoothing.Smooth(frames);
        // Frame 4: neighbours 2,3 (w 1,2), itself (3), 5 excluded (score 0.2), 6 (w 1): 0.9 * 3 / 7.
        Assert.Equal(0.9 * 3 / 7, smoothed[4].X(0), 12);
        // Frame 3: frames 1..5 with weights 1,2,3,2,(1 excluded): 0.9 * 2 / 8.
        Assert.Equal(0.9 * 2 / 8, smoothed[3].X(0), 12);
        // An unconfident point keeps its raw value.
        Assert.Equal(5.0, smoothed[5].X(0));
    }

    [Fact]
    public void Compact_file_round_trips()
    {
        var (sequence, _) = SyntheticExtraction();
        var path = Path.Combine(Directory.CreateTempSubdirectory("gesture-file-").FullName, "g" + GestureFile.Extension);
        GestureFile.Write(path, sequence);
        var back = GestureFile.Read(path);
        Assert.Equal(24, back.Fps);
        Assert.Equal(sequence.Frames.Count, back.Frames.Count);
        for (int i = 0; i < back.Frames.Count; i++)
        {
            Assert.Equal(sequence.Frames[i].Interpolated, back.Frames[i].Interpolated);
            Assert.Equal(sequence.Frames[i].Scores, back.Frames[i].Scores);
            for (int k = 0; k < back.Frames[i].Xy.Length; k++) Assert.Equal((float)sequence.Frames[i].Xy[k], back.Frames[i].Xy[k]);
        }
    }

    [Fact]
    public void Malformed_compact_file_is_an_input_error()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("gesture-bad-").FullName, "bad" + GestureFile.Extension);
        File.WriteAllBytes(path, [1, 2, 3]);
        var e = Assert.Throws<InputException>(() => GestureFile.Read(path));
        Assert.Equal(path, e.Input);
    }

    [Fact]
    public void Retarget_puts_the_gesture_neck_on_the_portrait_neck_and_keeps_hands_relative_to_the_body()
    {
        // Gesture: shoulders 0.4 wide, neck (0.5, 0.45), hips at 1.0. Portrait: shoulders 0.2, neck (0.3, 0.6), hips 0.85.
        var gesturePerson = SyntheticPerson.Upright(0.5, 0.45, 0.4, 0.2, 0.35, 1.0);
        var gesture = new GestureSequence(24, [new GestureFrame(gesturePerson.Xy, gesturePerson.Scores, false)]);
        var portrait = NormalizedPose.FromPerson(SyntheticPerson.Upright(0.3, 0.6, 0.2, 0.45, 0.55, 0.85), 1, 1);
        var fit = GestureRetargeter.Solve(gesture, portrait);
        // Scale: mean of shoulder ratio 0.2/0.4 and torso ratio (0.85-0.6)/(1.0-0.45).
        Assert.Equal((0.5 + 0.25 / 0.55) / 2, fit.Scale, 12);
        var moved = GestureRetargeter.Apply(gesture, fit).Frames[0];
        Assert.Equal(0.3, moved.X(1), 12);
        Assert.Equal(0.6, moved.Y(1), 12);
        int wrist = PersonPose.LeftHandStart;
        Assert.Equal(fit.Scale * (gesturePerson.X(wrist) - 0.5), moved.X(wrist) - 0.3, 12);
        Assert.Equal(fit.Scale * (gesturePerson.Y(wrist) - 0.45), moved.Y(wrist) - 0.6, 12);
    }

    [Fact]
    public void Official_gesture_converts_to_the_same_pose_maps()
    {
        var shared = RepositoryRoot.Shared();
        var folder = shared is null ? null : Path.Combine(shared, "samples", "echomimicv2", "pose", "salute");
        if (folder is null || !Directory.Exists(folder)) RequiredData.Missing("official pose samples are not available");
        var official = NpyPoseReader.ReadFolder(folder);
        var sequence = GestureSequence.FromPoseFrames(official, 24);
        foreach (var i in new[] { 0, official.Count / 2, official.Count - 1 })
            Assert.Equal(PoseMapRenderer.RenderFrame(official[i], 768, 768, out _), PoseMapRenderer.RenderFrame(sequence.ToPoseFrame(i), 768, 768, out _));
    }

    [Fact]
    public void Two_person_frame_uses_person_0_hands_from_the_stacked_layout()
    {
        // hands rows: [L0, L1, R0, R1] (dwpose_detector.py vstack); row r holds x = r + 0.1 everywhere.
        var hands = new NpyArray(Enumerable.Range(0, 4 * 21 * 2).Select(i => i / 42 + 0.1).ToArray(), [4, 21, 2]);
        var frame = new PoseFrame(hands, new NpyArray(Enumerable.Repeat(0.9, 84).ToArray(), [4, 21]), [768, 768, 0, 768, 0, 768],
            NpyArray.Zeros(36, 2), NpyArray.Zeros(2, 18), NpyArray.Zeros(2, 18), NpyArray.Zeros(2, 68, 2), NpyArray.Zeros(2, 68), 0);
        var pose = NormalizedPose.FromFrame(frame);
        Assert.Equal(0.1, pose.Hand(0, 5).X);
        Assert.Equal(2.1, pose.Hand(1, 5).X);
        var sequence = GestureSequence.FromPoseFrames([frame], 24);
        Assert.Equal(0.1, sequence.Frames[0].X(PersonPose.LeftHandStart + 5));
        Assert.Equal(2.1, sequence.Frames[0].X(PersonPose.RightHandStart + 5));
    }
}
