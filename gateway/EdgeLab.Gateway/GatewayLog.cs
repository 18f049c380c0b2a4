using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway;

/// <summary>
/// Every log line the gateway writes, source-generated (LoggerMessage). No patient data: instrument ids, sequences,
/// counts and reasons only — logs leave the device through <c>fetch-logs</c>.
/// </summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1001, LogLevel.Error, "Outbox write of {Count} request(s) failed (SQLite error {Code}); refused, the analyzers will resend")]
    public static partial void OutboxWriteFailed(ILogger logger, int count, int code, Exception exception);

    [LoggerMessage(1002, LogLevel.Warning, "Outbox full ({Rows} rows, {Bytes} bytes unsent): analyzers are refused until the uplink drains it")]
    public static partial void StoreFull(ILogger logger, long rows, long bytes);

    [LoggerMessage(1003, LogLevel.Information, "Outbox has room again ({Rows} rows, {Bytes} bytes unsent): accepting")]
    public static partial void StoreAcceptingAgain(ILogger logger, long rows, long bytes);

    [LoggerMessage(1004, LogLevel.Information, "Instrument {InstrumentId} repeated the message already stored as sequence {Sequence}; acknowledged without a second row")]
    public static partial void RepeatedMessage(ILogger logger, string instrumentId, long sequence);

    [LoggerMessage(1007, LogLevel.Error, "Instrument {InstrumentId}: message sequence {Sequence} decodes to {Bytes} bytes, over the uplink limit of {Limit}; quarantined here with its transcript, not sent")]
    public static partial void MessageTooLarge(ILogger logger, string instrumentId, long sequence, int bytes, int limit);

    [LoggerMessage(1005, LogLevel.Information, "Outbox opened at {Path}: {Rows} unsent rows, last sequence {Sequence}")]
    public static partial void OutboxOpened(ILogger logger, string path, long rows, long sequence);

    [LoggerMessage(1006, LogLevel.Information, "Purged {Count} transcript(s) acknowledged more than {Days} days ago")]
    public static partial void TranscriptsPurged(ILogger logger, long count, double days);

    [LoggerMessage(2001, LogLevel.Information, "Uplink connected to {Host}:{Port} (session present: {SessionPresent}, server receive maximum {ReceiveMaximum})")]
    public static partial void UplinkConnected(ILogger logger, string host, int port, bool sessionPresent, int receiveMaximum);

    [LoggerMessage(2002, LogLevel.Warning, "Uplink disconnected: {Reason}")]
    public static partial void UplinkDisconnected(ILogger logger, string reason);

    [LoggerMessage(2003, LogLevel.Warning, "Uplink cannot connect to {Host}:{Port} yet: {Reason}; the outbox keeps everything and the client retries")]
    public static partial void UplinkConnectFailed(ILogger logger, string host, int port, string reason);

    [LoggerMessage(2004, LogLevel.Warning, "Broker refused sequence {Sequence} with PUBACK reason {Reason}; it stays in the outbox and is retried")]
    public static partial void PublishRefused(ILogger logger, long sequence, string reason);

    [LoggerMessage(2005, LogLevel.Information, "Resending {Count} message(s) the hub has not acknowledged ({Why})")]
    public static partial void Resending(ILogger logger, int count, string why);

    [LoggerMessage(2006, LogLevel.Warning, "Ignored a message on {Topic}: {Reason}")]
    public static partial void InboundRejected(ILogger logger, string topic, string reason);

    [LoggerMessage(2007, LogLevel.Error, "Uplink dispatcher failed; restarting it")]
    public static partial void DispatcherFailed(ILogger logger, Exception exception);

    [LoggerMessage(2008, LogLevel.Warning, "Publishing status failed: {Reason}")]
    public static partial void StatusPublishFailed(ILogger logger, string reason);

    [LoggerMessage(3001, LogLevel.Information, "Order {OrderId}: {Action} in the order cache")]
    public static partial void OrderApplied(ILogger logger, string orderId, string action);

    [LoggerMessage(3002, LogLevel.Information, "Command {Name} from the hub: {Outcome}")]
    public static partial void CommandHandled(ILogger logger, string name, string outcome);

    [LoggerMessage(3003, LogLevel.Information, "Configuration version {Version} applied")]
    public static partial void ConfigApplied(ILogger logger, long version);

    [LoggerMessage(3004, LogLevel.Warning, "Configuration version {Version} rejected: {Reason}")]
    public static partial void ConfigRejected(ILogger logger, long version, string reason);

    [LoggerMessage(4001, LogLevel.Information, "Instrument {InstrumentId} link up ({Transport})")]
    public static partial void LinkUp(ILogger logger, string instrumentId, string transport);

    [LoggerMessage(4002, LogLevel.Warning, "Instrument {InstrumentId} link down: {Reason}")]
    public static partial void LinkDown(ILogger logger, string instrumentId, string reason);

    [LoggerMessage(4003, LogLevel.Error, "Instrument {InstrumentId} cannot start: {Reason}")]
    public static partial void InstrumentNotStarted(ILogger logger, string instrumentId, string reason);

    [LoggerMessage(4004, LogLevel.Information, "Gateway {GatewayId} started in {Milliseconds} ms with {Instruments} instrument and scanner link(s)")]
    public static partial void Started(ILogger logger, string gatewayId, long milliseconds, int instruments);

    [LoggerMessage(4005, LogLevel.Information, "Scanner {ScannerId} at {Station}: tube scan of {Length} characters committed as sequence {Sequence}")]
    public static partial void TubeScanCommitted(ILogger logger, string scannerId, string station, int length, long sequence);

    [LoggerMessage(4006, LogLevel.Error, "Scanner {ScannerId} at {Station}: tube scan of {Length} characters NOT stored (outbox full or failing); scan the tube again when the status shows room")]
    public static partial void TubeScanNotStored(ILogger logger, string scannerId, string station, int length);

    [LoggerMessage(4007, LogLevel.Error, "Scanner {ScannerId} cannot start: {Reason}")]
    public static partial void ScannerNotStarted(ILogger logger, string scannerId, string reason);
}
