namespace EchoMimic.Orchestration.RenderJobs;

/// <summary>External events a render orchestration listens to besides <c>segment-k</c>.</summary>
public static class RenderJobEvents
{
    /// <summary>Raised by the API's cancel route; the payload is the reason.</summary>
    public const string Cancel = "cancel";
}
