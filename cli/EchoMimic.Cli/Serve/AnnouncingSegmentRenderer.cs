using System.Diagnostics;
using System.Globalization;
using EchoMimic.Core.Ports;

namespace EchoMimic.Cli.Serve;

/// <summary>
/// Prints one line when a segment render starts and one when it ends, so the worker's log (which serve forwards with
/// the worker's id and pid) shows which process holds which segment: an operator, or a test that kills a worker
/// mid-segment, reads it from there.
/// </summary>
public sealed class AnnouncingSegmentRenderer(ISegmentRenderer inner, string workerId, Action<string> output) : ISegmentRenderer
{
    public const string RenderingMarker = "rendering ";

    public async Task<RenderedSegment> RenderAsync(SegmentRenderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var task = request.Task;
        var what = string.Create(CultureInfo.InvariantCulture,
            $"job {task.JobId} segment {task.Segment.Index} attempt {task.Attempt} (frames {task.Segment.RenderStart}..{task.Segment.RenderEnd})");
        output($"worker {workerId}: {RenderingMarker}{what}");
        var clock = Stopwatch.StartNew();
        var rendered = await inner.RenderAsync(request, cancellationToken).ConfigureAwait(false);
        output(string.Create(CultureInfo.InvariantCulture, $"worker {workerId}: rendered {what} in {clock.Elapsed.TotalSeconds:F1} s"));
        return rendered;
    }
}
