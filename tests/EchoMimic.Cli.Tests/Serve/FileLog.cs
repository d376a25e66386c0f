using Microsoft.Extensions.Logging;

namespace EchoMimic.Cli.Tests.Serve;

/// <summary>Logs of the stack under test, appended to one file so a failing end-to-end run can be read afterwards.</summary>
internal sealed class FileLog(string file) : ILoggerProvider
{
    private readonly object gate = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>
    /// One line of the stack's own output (forwarded worker lines), timestamped, under the same lock as the log: the
    /// stack's output goes here, never to the console a test parses.
    /// </summary>
    public void WriteLine(string line) => Write($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");

    private void Write(string line)
    {
        lock (gate)
        {
            File.AppendAllText(file, line + Environment.NewLine);
        }
    }

    private sealed class Logger(FileLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Write($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
