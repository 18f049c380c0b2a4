using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Fleet.Update;

/// <summary>Log lines of the application update (versions, slots and reasons only; no patient data).</summary>
internal static partial class UpdateLog
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Update {Version}: first start, health check for up to {Seconds} s before it is kept")]
    public static partial void TrialStarted(ILogger logger, string version, double seconds);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Update {Version} committed: uplink connected, instruments up, outbox drained")]
    public static partial void Committed(ILogger logger, string version);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Update {Version} rolled back: {Reason}; restarting into the previous slot")]
    public static partial void RolledBack(ILogger logger, string version, string? reason);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Running the previous version; update {Version} was rolled back: {Reason}")]
    public static partial void RunningPrevious(ILogger logger, string version, string? reason);
}
