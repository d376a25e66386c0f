using System.Globalization;
using EchoMimic.Core.Ports;

namespace EchoMimic.Inference.Jobs;

/// <summary>
/// Where a job's prepared data lives: <c>work/prepared/{input hash}/...</c>. The hash covers everything the data
/// depends on (input bytes, size, fps, weights), so two jobs with the same inputs share one preparation and a re-run
/// of Prepare finds it. <see cref="Report"/> is written last: its presence means the rest is complete.
/// </summary>
public static class PreparedBlobs
{
    public static string Folder(string inputHash) => $"prepared/{inputHash}";

    public static BlobPath ReferenceLatents(string inputHash) => new(BlobContainers.Work, $"{Folder(inputHash)}/reference-latents.tensor");

    public static BlobPath AudioFeatures(string inputHash) => new(BlobContainers.Work, $"{Folder(inputHash)}/audio-features.bin");

    /// <summary>The prefix of the per-frame pose maps (PNG, one per output frame, gesture already fitted to the audio).</summary>
    public static string PosePrefix(string inputHash) => $"{BlobContainers.Work}/{Folder(inputHash)}/pose/";

    public static BlobPath PoseMap(string posePrefix, int frame) =>
        BlobPath.Parse(posePrefix + frame.ToString("D6", CultureInfo.InvariantCulture) + ".png");

    public static BlobPath Report(string inputHash) => new(BlobContainers.Work, $"{Folder(inputHash)}/prepare.json");
}
