namespace EdgeLab.Gateway.Outbox;

/// <summary>One message waiting in the outbox: what the uplink publishes, under which sequence.</summary>
/// <param name="Kind"><see cref="OutboxKinds.Result"/> or <see cref="OutboxKinds.Event"/>.</param>
/// <param name="OrderKey">Messages with the same key reach the hub in sequence order (instrument + specimen).</param>
/// <param name="Payload">UTF-8 JSON of the contract message (ResultMessage / EventMessage) with its message id.</param>
/// <param name="Priority"><see cref="OutboxPriority.Stat"/> rows are published before everything else.</param>
internal sealed record OutboxRow(long Sequence, string InstrumentId, string Kind, string OrderKey, ReadOnlyMemory<byte> Payload, DateTimeOffset CreatedAt,
    int Priority = OutboxPriority.Routine)
{
    public bool IsStat => Priority == OutboxPriority.Stat;
}

/// <summary>The outbox's <c>priority</c> column: lower goes first.</summary>
internal static class OutboxPriority
{
    /// <summary>A STAT (emergency) result: LIS02-A2 O.6 = S, HL7 OBR-27.6 / ORC-7.6 / TQ1-9 = S.</summary>
    public const int Stat = 0;

    /// <summary>Routine, ASAP and every event.</summary>
    public const int Routine = 1;

    public static int Of(EdgeLab.Instruments.Message.DecodedMessage? decoded) =>
        decoded?.Priority == EdgeLab.Instruments.Message.ResultPriority.Stat ? Stat : Routine;
}

internal static class OutboxKinds
{
    public const string Result = "result";
    public const string Event = "event";

    /// <summary>Order key of a result: instrument and specimen, so a correction never overtakes its original.</summary>
    public static string ResultKey(string instrumentId, string? specimenId) => $"{instrumentId}\n{specimenId}";

    /// <summary>Events of one instrument (link up/down, scans) keep their order among themselves.</summary>
    public static string EventKey(string? instrumentId) => $"{instrumentId}\n#event";
}
