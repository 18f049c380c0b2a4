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
}
