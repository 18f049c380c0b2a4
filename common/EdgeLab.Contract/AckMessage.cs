namespace EdgeLab.Contract;

/// <summary>
/// <c>…/ack</c> (hub → gw, QoS 1): the outbox sequences the hub has committed (end-to-end ack,
/// DESIGN.md guarantee 1). Only this, never a broker PUBACK, lets the gateway delete an outbox row.
/// </summary>
public sealed record AckMessage
{
    public string Schema { get; init; } = Schemas.Ack;
    public required string GatewayId { get; init; }
    public required IReadOnlyList<long> Sequences { get; init; }
    public DateTimeOffset At { get; init; }
}
