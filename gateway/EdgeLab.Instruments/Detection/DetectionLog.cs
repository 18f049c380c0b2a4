using Microsoft.Extensions.Logging;

namespace EdgeLab.Instruments.Detection;

/// <summary>Auto-detection log lines: settings, protocol, model and sender fields only, never message content.</summary>
internal static partial class DetectionLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "{InstrumentId}: auto-detect heard {Protocol}")]
    public static partial void Protocol(ILogger logger, string instrumentId, string protocol);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "{InstrumentId}: auto-detect: sender {Sender} → profile {Profile} (matched: {Matched})")]
    public static partial void Model(ILogger logger, string instrumentId, string sender, string profile, bool matched);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "{InstrumentId}: {Suggestion}")]
    public static partial void Suggestion(ILogger logger, string instrumentId, string suggestion);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "{InstrumentId}: auto-detect: {Bytes} bytes of unframed text quarantined")]
    public static partial void RawQuarantined(ILogger logger, string instrumentId, int bytes);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Information, Message = "{InstrumentId}: auto-detect: listening at {Setting} for {DwellMs} ms")]
    public static partial void Listening(ILogger logger, string instrumentId, LineSetting setting, long dwellMs);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Information, Message = "{InstrumentId}: auto-detect: line is {Setting} (confidence {Confidence}, {Bytes} bytes, {Markers} landmarks)")]
    public static partial void LineDecided(ILogger logger, string instrumentId, LineSetting setting, double confidence, int bytes, int markers);
}
