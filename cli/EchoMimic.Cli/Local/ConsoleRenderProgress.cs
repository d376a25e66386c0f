using System.Collections.Concurrent;
using Spectre.Console;

namespace EchoMimic.Cli.Local;

/// <summary>Spectre progress bars for an orchestrated render: the job's phase, segments done, and each worker's steps.</summary>
public sealed class ConsoleRenderProgress(ProgressContext context) : IOrchestratedProgress
{
    private readonly ConcurrentDictionary<string, ProgressTask> _workers = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private ProgressTask? _phase;
    private ProgressTask? _segments;
    private string? _phaseName;

    public void Phase(string phase, int segmentsDone, int segmentCount)
    {
        lock (_gate)
        {
            if (phase != _phaseName)
            {
                if (_phase is not null)
                {
                    _phase.IsIndeterminate = false;
                    _phase.Value = 1;
                    _phase.StopTask();
                }

                _phaseName = phase;
                _phase = context.AddTask(phase, maxValue: 1);
                _phase.IsIndeterminate = true;
            }

            if (segmentCount > 0)
            {
                _segments ??= context.AddTask("segments", maxValue: segmentCount);
                _segments.MaxValue = segmentCount;
                _segments.Value = segmentsDone;
            }
        }
    }

    public void Step(string workerId, int segment, int done, int total)
    {
        var task = _workers.GetOrAdd(workerId, id =>
        {
            lock (_gate)
            {
                return context.AddTask(id, maxValue: total);
            }
        });
        task.Description = $"{workerId}: segment {segment} step";
        task.MaxValue = total;
        task.Value = done;
    }
}
