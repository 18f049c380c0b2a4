namespace EdgeLab.Hub.Store;

/// <summary>One order message waiting for the broker's PUBACK: the JSON payload for <c>…/gw/{GatewayId}/orders</c>.</summary>
internal sealed record PendingOrder(long Seq, string GatewayId, string ReferralId, string SpecimenId, string Action, byte[] Payload, DateTimeOffset Created);

/// <summary>
/// The durable order outbox. Rows are written by <see cref="IReferralStore"/> in the same transaction as the referral
/// change (so an order exists exactly when the change does); <c>Referrals/OrderOutboxPublisher</c> drains them.
/// </summary>
internal interface IOrderOutboxStore
{
    /// <summary>The oldest pending orders, by <see cref="PendingOrder.Seq"/> (the order they must reach each gateway in).</summary>
    Task<IReadOnlyList<PendingOrder>> ListPendingOrdersAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>Removes an order once the broker has acknowledged it.</summary>
    Task DeleteOrderAsync(long seq, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes or renews the single drain lease for <paramref name="owner"/> until now + <paramref name="duration"/>;
    /// false while another owner holds an unexpired lease.
    /// </summary>
    Task<bool> TryTakeOrderLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default);
}
