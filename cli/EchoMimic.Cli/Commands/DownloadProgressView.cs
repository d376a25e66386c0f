using EchoMimic.Inference.Hub;
using Spectre.Console;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// How <c>weights download</c> shows progress: on a terminal a Spectre progress bar per file (size, speed, time
/// left); with output redirected plain lines (<c>downloading X: 12.3 of 45.6 MB</c>) at every tenth of a file, so
/// a log stays short. Reports arrive on the downloading thread, one file at a time.
/// </summary>
internal abstract class DownloadProgressView : IProgress<DownloadProgress>
{
    public abstract void Report(DownloadProgress value);

    /// <summary>A file is in place (downloaded, resumed or already there).</summary>
    public virtual void Finished(DownloadResult result)
    {
    }

    public static async Task<T> RunAsync<T>(Func<DownloadProgressView, Task<T>> download)
    {
        if (Console.IsOutputRedirected) return await download(new Lines());
        return await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(context => download(new Bars(context)));
    }

    private sealed class Lines : DownloadProgressView
    {
        private string? _file;
        private int _tenth;
        private string? _last;

        public override void Report(DownloadProgress p)
        {
            var total = p.Total is { } t ? $" of {HubFileDownloader.Megabytes(t)}" : "";
            if (p.File != _file)
            {
                _file = p.File;
                _tenth = -1;
            }
            var line = p.Stage switch
            {
                DownloadStage.Receiving when Tenth(p) != _tenth => p.ResumedFrom > 0 && p.Received == p.ResumedFrom
                    ? $"downloading {p.File}: {HubFileDownloader.Megabytes(p.Received)}{total} MB (resuming the .part file)"
                    : $"downloading {p.File}: {HubFileDownloader.Megabytes(p.Received)}{total} MB",
                DownloadStage.Retrying => $"retrying {p.File} at {HubFileDownloader.Megabytes(p.Received)}{total} MB: {p.Reason}",
                DownloadStage.Verifying => $"verifying {p.File}",
                _ => null,
            };
            if (p.Stage == DownloadStage.Receiving) _tenth = Tenth(p);
            else _tenth = -1;
            // Small files would repeat the same rounded figure: one line each.
            if (line is null || line == _last) return;
            _last = line;
            Console.WriteLine(line);
        }

        private static int Tenth(DownloadProgress p) => p.Total is > 0 ? (int)(p.Received * 10 / p.Total.Value) : (int)(p.Received / 100_000_000);
    }

    private sealed class Bars(ProgressContext context) : DownloadProgressView
    {
        private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);

        public override void Report(DownloadProgress p)
        {
            if (!_tasks.TryGetValue(p.File, out var task))
                _tasks[p.File] = task = context.AddTask(Markup.Escape(p.File), maxValue: Math.Max(1, p.Total ?? 1));
            if (p.Total is { } total) task.MaxValue = Math.Max(1, total);
            task.IsIndeterminate = p.Total is null;
            task.Value = Math.Min(p.Received, task.MaxValue);
            task.Description = Markup.Escape(p.Stage switch
            {
                DownloadStage.Retrying => $"{p.File} (retrying: {p.Reason})",
                DownloadStage.Verifying => $"{p.File} (verifying)",
                _ => p.File,
            });
        }

        public override void Finished(DownloadResult result)
        {
            var name = result.File.RelativePath;
            if (!_tasks.TryGetValue(name, out var task))
                _tasks[name] = task = context.AddTask(Markup.Escape(name), maxValue: Math.Max(1, result.Bytes));
            task.IsIndeterminate = false;
            task.MaxValue = Math.Max(1, result.Bytes);
            task.Value = task.MaxValue;
            task.Description = Markup.Escape(result.Outcome == DownloadOutcome.AlreadyPresent ? $"{name} (already present)" : $"{name} (verified)");
            task.StopTask();
        }
    }
}
