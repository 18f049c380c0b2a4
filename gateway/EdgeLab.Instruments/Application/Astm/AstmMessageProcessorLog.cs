using Microsoft.Extensions.Logging;

namespace EdgeLab.Instruments.Application.Astm;

/// <summary>Logging of the ASTM message layer. Never patient data: instrument ids, counts, codes and positions only.</summary>
internal static partial class AstmMessageProcessorLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Debug, Message = "{InstrumentId}: message of {Length} bytes decoded: {Orders} order(s), {Results} result(s)")]
    public static partial void Decoded(ILogger logger, string instrumentId, int length, int orders, int results);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "{InstrumentId}: message of {Length} bytes quarantined: record {RecordNumber} ({RecordType}), field {Field}, byte {ByteOffset}")]
    public static partial void Quarantined(ILogger logger, string instrumentId, int length, int recordNumber, char recordType, int field, long byteOffset);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "{InstrumentId}: outbox refused the message ({Outcome}); not acknowledged, the analyzer keeps it")]
    public static partial void NotCommitted(ILogger logger, string instrumentId, string outcome);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "{InstrumentId}: host query for {Asked} specimen(s) answered in {ElapsedMs} ms: {Found} found, {Tests} test(s), L|1|{TerminationCode}")]
    public static partial void QueryAnswered(ILogger logger, string instrumentId, int asked, int found, int tests, char terminationCode, long elapsedMs);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Information, Message = "{InstrumentId}: host query cancelled by the analyzer (Q status A); no answer sent")]
    public static partial void QueryCancelled(ILogger logger, string instrumentId);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Warning, Message = "{InstrumentId}: host query refused: another query is still being answered (one outstanding query at a time)")]
    public static partial void QueryBusy(ILogger logger, string instrumentId);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Warning, Message = "{InstrumentId}: order cache did not answer within {TimeoutSeconds} s; answering 'no information' (L|1|I)")]
    public static partial void QueryTimedOut(ILogger logger, string instrumentId, int timeoutSeconds);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Error, Message = "{InstrumentId}: order cache failed; answering 'no information' (L|1|I)")]
    public static partial void QueryFailed(ILogger logger, string instrumentId, Exception exception);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Information, Message = "{InstrumentId}: incomplete message of {Length} bytes kept for audit ({Reason})")]
    public static partial void Incomplete(ILogger logger, string instrumentId, int length, string reason);

    [LoggerMessage(EventId = 3209, Level = LogLevel.Warning, Message = "{InstrumentId}: host query for {Asked} specimen(s) not served: host query is disabled for this instrument (profile hostQuery: false); answered 'no information' (L|1|I) without consulting the order cache")]
    public static partial void QueryNotServed(ILogger logger, string instrumentId, int asked);
}
