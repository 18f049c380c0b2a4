namespace EdgeLab.Gateway.Outbox;

/// <summary>One message waiting in the outbox: what the uplink publishes, under which sequence.</summary>
/// <param name="Kind"><see cref="OutboxKinds.Result"/> or <see cref="OutboxKinds.Event"/>.</param>
/// <param name="OrderKey">Messages with the same key reach the hub in sequence order (instrument + specimen).</param>
/// <param name="Payload">UTF-8 JSON of the contract message (ResultMessage / EventMessage) with its message id.</param>
internal sealed record OutboxRow(long Sequence, string InstrumentId, string Kind, string OrderKey, ReadOnlyMemory<byte> Payload, DateTimeOffset CreatedAt);

internal static class OutboxKinds
{
    public const string Result = "result";
    public const string Event = "event";

    /// <summary>Order key of a result: instrument and specimen, so a correction never overtakes its original.</summary>
    public static string ResultKey(string instrumentId, string? specimenId) => $"{instrumentId}\n{specimenId}";

    /// <summary>Events of one instrument (link up/down, scans) keep their order among themselves.</summary>
    public static string EventKey(string? instrumentId) => $"{instrumentId}\n#event";
}
