namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>The custom status a render orchestration publishes: its phase and <c>k of N segments</c>.</summary>
public sealed record RenderJobProgress(string Phase, int SegmentsDone, int SegmentCount, int Dispatches, string? Error = null)
{
    public string Progress => $"{SegmentsDone} of {SegmentCount} segments";
}
