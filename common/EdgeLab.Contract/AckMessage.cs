namespace EdgeLab.Contract;

/// <summary>
/// <c>…/ack</c> (hub → gw, QoS 1): the outbox sequences the hub has committed (end-to-end ack,
/// DESIGN.md guarantee 1). Only this, never a broker PUBACK, lets the gateway delete an outbox row.
/// </summary>
public sealed record AckMessage
{
    public string Schema { get; init; } = Schemas.Ack;
    public required string GatewayId { get; init; }
    /// <summary>
    /// The outbox epoch the sequences belong to (see <see cref="MessageId"/>); null for ids in the old form. A gateway
    /// ignores an ack for another epoch: after a reinstall, a late ack of the old store must not delete the new store's
    /// rows that happen to have the same sequence numbers.
    /// </summary>
    public string? Epoch { get; init; }
    public required IReadOnlyList<long> Sequences { get; init; }
    public DateTimeOffset At { get; init; }
}
