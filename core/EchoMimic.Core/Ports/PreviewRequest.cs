using EchoMimic.Core.Jobs;

namespace EchoMimic.Core.Ports;

/// <summary>What a preview job's worker stage draws (the spec names the portrait) and where its outputs go.</summary>
public sealed record PreviewRequest(RenderJobSpec Spec, PreparedJob Prepared, string VideoBlob, string PosterBlob, string ReportBlob);
