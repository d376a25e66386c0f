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

    public static async Task<T> RunAsync<T>(Func<IProgress<DownloadProgress>, Task<T>> download)
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

        public override void Report(DownloadProgress p)
        {
            var total = p.Total is { } t ? $" of {HubFileDownloader.Megabytes(t)}" : "";
            if (p.File != _file)
            {
                _file = p.File;
                _tenth = -1;
            }
            switch (p.Stage)
            {
                case DownloadStage.Receiving:
                    var tenth = p.Total is > 0 ? (int)(p.Received * 10 / p.Total.Value) : (int)(p.Received / 100_000_000);
                    if (tenth == _tenth) return;
                    _tenth = tenth;
                    var resumed = p.ResumedFrom > 0 && p.Received == p.ResumedFrom ? $" (resuming from {HubFileDownloader.Megabytes(p.ResumedFrom)} MB in the .part file)" : "";
                    Console.WriteLine($"downloading {p.File}: {HubFileDownloader.Megabytes(p.Received)}{total} MB{resumed}");
                    break;
                case DownloadStage.Retrying:
                    _tenth = -1;
                    Console.WriteLine($"retrying {p.File} at {HubFileDownloader.Megabytes(p.Received)}{total} MB: {p.Reason}");
                    break;
                case DownloadStage.Verifying:
                    Console.WriteLine($"verifying {p.File}");
                    break;
            }
        }
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
    }
}
