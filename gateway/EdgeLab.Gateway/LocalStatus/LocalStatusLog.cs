using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.LocalStatus;

/// <summary>Log lines of the technician's view and the box. No patient data: addresses, pins and reasons only.</summary>
internal static partial class LocalStatusLog
{
    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Status page on http://{EndPoint}/ (read-only)")]
    public static partial void PageListening(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 901, Level = LogLevel.Error, Message = "Status page cannot listen on {EndPoint}: {Reason}. The gateway runs on without it")]
    public static partial void PageFailed(ILogger logger, string endPoint, string reason);

    [LoggerMessage(EventId = 902, Level = LogLevel.Error, Message = "Status socket {Path} cannot be opened: {Reason}. `edgelab-gateway status` will say the gateway is not running")]
    public static partial void SocketFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 903, Level = LogLevel.Warning, Message = "Status request failed: {Reason}")]
    public static partial void RequestFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 910, Level = LogLevel.Error, Message = "GPIO box cannot start ({Driver}, chip {Chip}): {Reason}. The gateway runs on without LED, buzzer and button")]
    public static partial void BoxFailed(ILogger logger, string driver, int chip, string reason);

    [LoggerMessage(EventId = 911, Level = LogLevel.Information, Message = "Box button: {Action}")]
    public static partial void ButtonPressed(ILogger logger, string action);
}
