using System.Globalization;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Hosting;

/// <summary>
/// Keeps the last lines the gateway logged, for the hub's <c>fetch-logs</c> command. Log messages carry no patient data
/// (GatewayLog), so the lines can leave the device as they are.
/// </summary>
internal sealed class LogRing(int capacity = 1000) : ILoggerProvider
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new RingLogger(this, categoryName);

    public IReadOnlyList<string> Tail(int count)
    {
        lock (_gate) return _lines.Skip(Math.Max(0, _lines.Count - count)).ToList();
    }

    private void Add(string line)
    {
        lock (_gate)
        {
            if (_lines.Count == capacity) _lines.Dequeue();
            _lines.Enqueue(line);
        }
    }

    public void Dispose()
    {
    }

    private sealed class RingLogger(LogRing ring, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var at = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            var text = formatter(state, exception);
            // No stack trace, and a message only from I/O errors: a parser's exception text can quote the data it choked on.
            var error = exception switch
            {
                null => "",
                IOException or System.Net.Sockets.SocketException or Microsoft.Data.Sqlite.SqliteException => $" [{exception.GetType().Name}: {exception.Message}]",
                _ => $" [{exception.GetType().Name}]",
            };
            ring.Add($"{at} {logLevel} {category}: {text}{error}");
        }
    }
}
