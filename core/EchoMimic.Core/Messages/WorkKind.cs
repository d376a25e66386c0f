namespace EchoMimic.Core.Messages;

/// <summary>
/// What a task on the segment queue asks a GPU worker to do. Prepare and Stitch run on the workers too, because they
/// need what only the workers have: the weights (whisper, VAE) and ffmpeg; the control plane stays engine-free.
/// </summary>
public enum WorkKind
{
    /// <summary>Denoise one segment (schema-1 messages carry no kind and are segments).</summary>
    Segment,

    /// <summary>The job's Prepare stage: audio features, pose maps, reference latents, stored as prepared.json.</summary>
    Prepare,

    /// <summary>The job's Stitch stage: blend the segments, mux the audio, write video, poster and report.json.</summary>
    Stitch,

    /// <summary>A preview job's output stage: pose maps over the portrait with the audio, instead of segments + stitch.</summary>
    Preview,
}
