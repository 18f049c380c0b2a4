namespace EdgeLab.Hub.Store;

/// <summary>One order message waiting for the broker's PUBACK: the JSON payload for <c>…/gw/{GatewayId}/orders</c>.</summary>
public sealed record PendingOrder(long Seq, string GatewayId, string ReferralId, string SpecimenId, string Action, byte[] Payload, DateTimeOffset Created);

/// <summary>
/// The durable order outbox. Rows are written by <see cref="IReferralStore"/> in the same transaction as the referral
/// change (so an order exists exactly when the change does); each gateway's grain (<c>Grains/GatewayGrain</c>) publishes its own rows.
/// </summary>
public interface IOrderOutboxStore
{
    /// <summary>The oldest pending orders, by <see cref="PendingOrder.Seq"/> (the order they must reach each gateway in).</summary>
    Task<IReadOnlyList<PendingOrder>> ListPendingOrdersAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>Removes an order once the broker has acknowledged it.</summary>
    Task DeleteOrderAsync(long seq, CancellationToken cancellationToken = default);

    /// <summary>One gateway's pending orders as its stream publishes them: STAT referrals first, then by <see cref="PendingOrder.Seq"/>.</summary>
    Task<IReadOnlyList<PendingOrder>> ListPendingOrdersAsync(string gatewayId, int max, CancellationToken cancellationToken = default);

    /// <summary>The gateways that have orders waiting (a starting node and the periodic sweep wake their grains).</summary>
    Task<IReadOnlyList<string>> ListGatewaysWithPendingOrdersAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes or renews the claim on one gateway's order stream for <paramref name="owner"/> until now +
    /// <paramref name="duration"/>. Succeeds when nobody holds it, the holder is <paramref name="owner"/>, the claim
    /// expired, or the holder is <paramref name="deadOwner"/> (which cluster membership declared dead); false otherwise.
    /// Only the holder publishes the gateway's rows, so two activations of one gateway grain never interleave them.
    /// </summary>
    Task<bool> TryClaimOrderStreamAsync(string gatewayId, string owner, TimeSpan duration, string? deadOwner, CancellationToken cancellationToken = default);

    /// <summary>The holder of an unexpired claim on the gateway's order stream, or null.</summary>
    Task<string?> GetOrderStreamOwnerAsync(string gatewayId, CancellationToken cancellationToken = default);

    /// <summary>Gives up <paramref name="owner"/>'s claim (graceful deactivation: the next activation takes over at once).</summary>
    Task ReleaseOrderStreamAsync(string gatewayId, string owner, CancellationToken cancellationToken = default);
}
