using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SesConsole.E2E.Infrastructure;

/// <summary>
/// Keeps what the server logged as errors, plus the warnings of Blazor's ErrorBoundary (an exception the user saw as
/// "Something went wrong"), so a journey can assert that none happened and a failing one shows what broke.
/// </summary>
public sealed class ServerErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error || (IsEnabled(logLevel) && category.EndsWith("ErrorBoundary", StringComparison.Ordinal)))
            {
                entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
            }
        }
    }
}
