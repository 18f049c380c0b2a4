using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Ingest;

/// <summary>Ingest logging. Never patient data: ids of messages and gateways, counts, reasons only.</summary>
internal static partial class IngestLog
{
    [LoggerMessage(1, LogLevel.Information, "Ingest subscribed to {Filters} as {ClientId}")]
    public static partial void Subscribed(ILogger logger, string filters, string clientId);

    [LoggerMessage(2, LogLevel.Debug, "Batch stored: {Messages} messages, {Results} results, {Unmatched} unmatched, {Quarantined} quarantined, {Duplicates} repeats")]
    public static partial void BatchStored(ILogger logger, int messages, int results, int unmatched, int quarantined, int duplicates);

    [LoggerMessage(3, LogLevel.Warning, "Quarantined a payload on {Topic} (message {MessageId}): {Reason} — {Detail}")]
    public static partial void Quarantined(ILogger logger, string topic, string messageId, string reason, string detail);

    [LoggerMessage(4, LogLevel.Error, "Writing a batch of {Messages} messages failed; retrying in {DelayMs} ms")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int messages, int delayMs);

    [LoggerMessage(5, LogLevel.Error, "Message {MessageId} cannot be stored even alone; quarantined so it is acked and kept")]
    public static partial void PoisonMessage(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(6, LogLevel.Warning, "Publishing the end-to-end ack to gateway {GatewayId} failed; the gateway will resend and the repeat will be acked")]
    public static partial void AckFailed(ILogger logger, Exception exception, string gatewayId);

    [LoggerMessage(7, LogLevel.Warning, "{Count} results held as unmatched from gateway {GatewayId} (reason {Reason})")]
    public static partial void Held(ILogger logger, int count, string gatewayId, string reason);

    [LoggerMessage(8, LogLevel.Warning, "Critical value notification {NotificationId} to organization {OrganizationId} failed (attempt {Attempt}): {Error}")]
    public static partial void NotificationFailed(ILogger logger, long notificationId, string organizationId, int attempt, string error);

    [LoggerMessage(10, LogLevel.Warning, "Ingest alert {AlertType} for gateway {GatewayId} (message {MessageId}): {Text}")]
    public static partial void Alert(ILogger logger, string alertType, string gatewayId, string messageId, string text);

    [LoggerMessage(9, LogLevel.Information, "Critical value notification {NotificationId} delivered to organization {OrganizationId}")]
    public static partial void NotificationDelivered(ILogger logger, long notificationId, string organizationId);
}
