using EchoMimic.Core.Ports;
using Behaviour = EchoMimic.Orchestration.Tests.Support.TestPatternRenderer.Behaviour;

namespace EchoMimic.Orchestration.Tests.Support;

/// <summary>
/// TEST-ONLY wrapper of the real stitcher: a script decides per call (1, 2, …) whether to stitch, fail or hang, to
/// exercise the stitch stage's deadlines, retries and cancellation.
/// </summary>
internal sealed class ScriptedStitcher(IClipStitcher inner) : IClipStitcher
{
    private int calls;

    public int Calls => calls;

    public Func<int, Behaviour> Script { get; set; } = _ => Behaviour.Render;

    public async Task<StitchResult> StitchAsync(StitchRequest request, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref calls);
        switch (Script(call))
        {
            case Behaviour.Fail:
                throw new InvalidOperationException($"scripted failure of stitch call {call}");
            case Behaviour.Hang:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                break;
        }

        return await inner.StitchAsync(request, cancellationToken);
    }
}
