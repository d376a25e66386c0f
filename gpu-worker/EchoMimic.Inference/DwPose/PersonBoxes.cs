namespace EchoMimic.Inference.DwPose;

/// <summary>One detection of the class-aware NMS: box in original-image pixels, score and COCO class.</summary>
public readonly record struct Detection(float X1, float Y1, float X2, float Y2, float Score, int Class);

/// <summary>Detector post-processing result: the final person boxes and every NMS survivor before the final filter.</summary>
public sealed record PersonBoxes(IReadOnlyList<Detection> Persons, IReadOnlyList<Detection> NmsSurvivors);
