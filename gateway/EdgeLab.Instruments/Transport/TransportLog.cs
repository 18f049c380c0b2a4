using Microsoft.Extensions.Logging;

namespace EdgeLab.Instruments.Transport;

/// <summary>Log messages of the transport area (no patient data: ids, device paths and reasons only).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(101, LogLevel.Information, "{InstrumentId}: link up over {Transport}")]
    public static partial void LinkUp(ILogger logger, string instrumentId, string transport);

    [LoggerMessage(102, LogLevel.Warning, "{InstrumentId}: link down: {Reason}")]
    public static partial void LinkDown(ILogger logger, string instrumentId, string reason);

    [LoggerMessage(103, LogLevel.Debug, "{InstrumentId}: reopening {Transport} in {DelayMs} ms (attempt {Attempt})")]
    public static partial void Reopening(ILogger logger, string instrumentId, string transport, long delayMs, int attempt);

    [LoggerMessage(104, LogLevel.Error, "{InstrumentId}: protocol session failed unexpectedly; the link restarts")]
    public static partial void SessionFailed(ILogger logger, string instrumentId, Exception exception);

    [LoggerMessage(105, LogLevel.Warning, "{Transport}: analyzer connected from {Remote} while the connection from {Old} was still open (half-open: it restarted without a FIN); closing the old connection, serving the new one")]
    public static partial void ConnectionReplaced(ILogger logger, string transport, string remote, string old);

    [LoggerMessage(106, LogLevel.Warning, "{Transport}: accepting a connection failed: {Reason}; listening on")]
    public static partial void AcceptFailed(ILogger logger, string transport, string reason);

    [LoggerMessage(107, LogLevel.Error, "{InstrumentId}: {Reason}; retrying with backoff")]
    public static partial void OpenFailed(ILogger logger, string instrumentId, string reason);

    [LoggerMessage(108, LogLevel.Debug, "{InstrumentId}: {Reason}; waiting for the next connection")]
    public static partial void ConnectionEnded(ILogger logger, string instrumentId, string reason);
}
