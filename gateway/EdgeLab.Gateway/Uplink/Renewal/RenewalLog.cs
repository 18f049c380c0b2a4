using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Uplink.Renewal;

/// <summary>Log lines of certificate renewal: serials and dates only, never key material.</summary>
internal static partial class RenewalLog
{
    [LoggerMessage(1401, LogLevel.Information, "Certificate request {RequestId} sent ({Why})")]
    public static partial void Requested(ILogger logger, string requestId, string why);

    [LoggerMessage(1402, LogLevel.Information, "Trying the renewed certificate (serial {Serial}, valid until {NotAfter:O}) on the broker")]
    public static partial void Trying(ILogger logger, string serial, DateTime notAfter);

    [LoggerMessage(1403, LogLevel.Information, "Certificate renewed: serial {Serial}, valid until {NotAfter:O}")]
    public static partial void Renewed(ILogger logger, string serial, DateTimeOffset notAfter);

    [LoggerMessage(1404, LogLevel.Warning, "Certificate renewal failed: {Cause}")]
    public static partial void Failed(ILogger logger, string cause);

    [LoggerMessage(1405, LogLevel.Debug, "Answer to certificate request {RequestId} ignored: not the request waiting")]
    public static partial void Ignored(ILogger logger, string requestId);

    [LoggerMessage(1407, LogLevel.Warning, "Client certificate at start: {What}")]
    public static partial void Recovered(ILogger logger, string what);

    [LoggerMessage(1406, LogLevel.Warning, "Reconnect for certificate renewal: {Reason}")]
    public static partial void ReconnectFailed(ILogger logger, string reason);
}
