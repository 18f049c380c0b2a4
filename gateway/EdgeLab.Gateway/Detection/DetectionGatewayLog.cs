using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Detection;

internal static partial class DetectionGatewayLog
{
    [LoggerMessage(9101, LogLevel.Warning, "{InstrumentId}: auto-detection result not kept ({Reason}); the next start detects again")]
    public static partial void NotKept(ILogger logger, string instrumentId, string reason);

    [LoggerMessage(9102, LogLevel.Information, "{InstrumentId}: starting with the kept auto-detection: {Line} profile {Profile} (reset it to detect again)")]
    public static partial void Restored(ILogger logger, string instrumentId, string line, string profile);
}
