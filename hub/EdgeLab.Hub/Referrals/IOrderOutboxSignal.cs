namespace EdgeLab.Hub.Referrals;

/// <summary>
/// Tells the order stream that the outbox has new rows (after the transaction that wrote them committed); the hub's
/// <c>Grains/GrainWakeup</c> then wakes the grains of the gateways concerned.
/// </summary>
internal interface IOrderOutboxSignal
{
    void Wake();
}
