using Microsoft.Extensions.Logging;

namespace EdgeLab.Instruments.Link.Mllp;

/// <summary>MLLP session logging. Never patient data: ids, lengths, offsets, codes and error kinds only.</summary>
internal static partial class MllpSessionLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Debug, Message = "{InstrumentId}: MLLP block of {Length} bytes at offset {Offset}, {MessageType}")]
    public static partial void BlockReceived(ILogger logger, string instrumentId, long length, long offset, string messageType);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "{InstrumentId}: skipped {Length} bytes outside MLLP blocks at offset {Offset}")]
    public static partial void JunkSkipped(ILogger logger, string instrumentId, long length, long offset);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error, Message = "{InstrumentId}: discarded an MLLP block of {Length} bytes at offset {Offset}: larger than the limit of {Limit} bytes; not acknowledged")]
    public static partial void BlockTooLarge(ILogger logger, string instrumentId, long length, long offset, int limit);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "{InstrumentId}: MLLP block at offset {Offset} ends with FS without CR (tolerated)")]
    public static partial void MissingTrailingCr(ILogger logger, string instrumentId, long offset);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "{InstrumentId}: HL7 message quarantined: {ErrorKind} at segment {SegmentIndex} field {Field}, byte {ByteOffset}")]
    public static partial void Quarantined(ILogger logger, string instrumentId, string errorKind, int segmentIndex, int field, int byteOffset);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Information, Message = "{InstrumentId}: HL7 {MessageType} control id {ControlId} answered {AckCode}")]
    public static partial void Acknowledged(ILogger logger, string instrumentId, string messageType, string controlId, string ackCode);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Error, Message = "{InstrumentId}: committing an HL7 message failed; answered with an error so the analyzer keeps it")]
    public static partial void CommitThrew(ILogger logger, string instrumentId, Exception exception);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "{InstrumentId}: host query {MessageType} answered, order found: {Found}, tests: {TestCount}")]
    public static partial void QueryAnswered(ILogger logger, string instrumentId, string messageType, bool found, int testCount);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Error, Message = "{InstrumentId}: the order cache failed while answering a host query; answered not found")]
    public static partial void OrderCacheThrew(ILogger logger, string instrumentId, Exception exception);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Debug, Message = "{InstrumentId}: HL7 acknowledgement {MessageType} received (not acknowledged, HL7 v2.5 §2.9.2)")]
    public static partial void AcknowledgementReceived(ILogger logger, string instrumentId, string messageType);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "{InstrumentId}: host query {MessageType} control id {ControlId} rejected (AR, condition 200): host query is disabled for this instrument (profile hostQuery: false); the order cache was not consulted")]
    public static partial void QueryRejected(ILogger logger, string instrumentId, string messageType, string controlId);
}
