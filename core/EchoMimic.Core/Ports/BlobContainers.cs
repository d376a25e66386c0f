namespace EchoMimic.Core.Ports;

/// <summary>The containers every runtime uses (architecture.md, data flow).</summary>
public static class BlobContainers
{
    /// <summary>Inputs and job.json files, written by callers.</summary>
    public const string Uploads = "uploads";

    /// <summary>Intermediate products: prepared features, segment clips, latents, delivery logs.</summary>
    public const string Work = "work";

    /// <summary>Finished MP4s, posters and report.json files.</summary>
    public const string Renders = "renders";
}
