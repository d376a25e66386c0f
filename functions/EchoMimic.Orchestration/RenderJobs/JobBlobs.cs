using System.Globalization;
using EchoMimic.Core.Ports;

namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>
/// The deterministic blob names of a job. Segment clips do not depend on the attempt: any attempt's committed clip
/// is the clip (frame noise is keyed by frame, so every attempt renders the same frames).
/// </summary>
public static class JobBlobs
{
    public static BlobPath Prepared(string jobId) => new(BlobContainers.Work, $"{jobId}/prepared.json");

    /// <summary>
    /// The job's stitch request (segments, workers, timings, output names), too large for a queue message on long
    /// videos. One name per job: the request is fixed once all segments are accepted, so every stitch attempt (and a
    /// replayed or retried dispatch) writes the same content.
    /// </summary>
    public static BlobPath StitchRequest(string jobId) => new(BlobContainers.Work, $"{jobId}/stitch-request.json");

    public static BlobPath Clip(string jobId, int segment) =>
        new(BlobContainers.Work, $"{jobId}/segments/{segment.ToString("D4", CultureInfo.InvariantCulture)}.mp4");

    public static BlobPath Latents(string jobId, int segment) =>
        new(BlobContainers.Work, $"{jobId}/segments/{segment.ToString("D4", CultureInfo.InvariantCulture)}{OverlapLatents.FileExtension}");

    public static BlobPath Video(string jobId, string outputName) => new(BlobContainers.Renders, $"{jobId}/{outputName}");

    public static BlobPath Poster(string jobId) => new(BlobContainers.Renders, $"{jobId}/poster.jpg");

    public static BlobPath Report(string jobId) => new(BlobContainers.Renders, $"{jobId}/report.json");

    public static string WebhookLogPrefix(string ownerId) => $"{ownerId}/webhooks/";
}
