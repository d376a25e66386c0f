namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>Phase names shown in job status, in the order a job passes them.</summary>
public static class RenderJobPhases
{
    public const string WaitingForInputs = "waiting-for-inputs";
    public const string Preparing = "preparing";
    public const string Rendering = "rendering";
    public const string Previewing = "previewing";
    public const string Stitching = "stitching";
    public const string Notifying = "notifying";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Canceled = "canceled";
}
