using EdgeLab.Contract;
using EdgeLab.Hub.Store;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Grains;

/// <summary>What one drain of a gateway's order stream came to.</summary>
internal enum OrderStreamOutcome
{
    /// <summary>Nothing left to send.</summary>
    Drained,

    /// <summary>A row was not acknowledged (no connection, no PUBACK in time, an error reason code): retry after a backoff.</summary>
    Failed,

    /// <summary>Another live activation holds the gateway's claim: leave the stream to it.</summary>
    ClaimedElsewhere,
}

/// <summary>
/// Publishes one gateway's pending order rows to <c>…/gw/{id}/orders</c> at QoS 1, by sequence, deleting each row only
/// after its PUBACK; the first row not acknowledged stops the round, so a cancel never overtakes its upsert. The
/// rows are read from the outbox on every round (nothing is held in memory), and the caller must hold the gateway's
/// claim in <c>order_stream_claim</c> (renewed per batch), so two activations of one grain never interleave the
/// stream. A row may go out twice (a PUBACK lost with the connection): gateways apply orders idempotently by specimen.
/// </summary>
internal sealed partial class OrderStream(IOrderOutboxStore store, IMqttClient mqtt, TimeProvider time, ILogger<OrderStream> logger)
{
    /// <summary>How long a claim holds without renewal; a dead owner's claim is taken over sooner (membership).</summary>
    public static readonly TimeSpan ClaimDuration = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait for one PUBACK; well under <see cref="ClaimDuration"/> so a round ends while its claim holds.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    private const int BatchSize = 100;

    public bool Connected => mqtt.State == MqttConnectionState.Connected;

    /// <summary>Sends what is pending for <paramref name="gatewayId"/> as <paramref name="owner"/>; counts what was published.</summary>
    /// <param name="deadOwner">A claim holder that cluster membership declared dead (taken over at once), or null.</param>
    public async Task<(OrderStreamOutcome Outcome, int Published)> DrainAsync(string gatewayId, string owner, string? deadOwner, CancellationToken ct)
    {
        var published = 0;
        while (true)
        {
            var batch = await store.ListPendingOrdersAsync(gatewayId, BatchSize, ct).ConfigureAwait(false);
            if (batch.Count == 0) return (OrderStreamOutcome.Drained, published);
            if (!Connected) return (OrderStreamOutcome.Failed, published);
            if (!await store.TryClaimOrderStreamAsync(gatewayId, owner, ClaimDuration, deadOwner, ct).ConfigureAwait(false))
                return (OrderStreamOutcome.ClaimedElsewhere, published);
            foreach (var order in batch)
            {
                if (!await SendAsync(order, ct).ConfigureAwait(false)) return (OrderStreamOutcome.Failed, published);
                await store.DeleteOrderAsync(order.Seq, ct).ConfigureAwait(false);
                published++;
            }
        }
    }

    /// <summary>The live holder of the gateway's claim, or null.</summary>
    public Task<string?> OwnerAsync(string gatewayId, CancellationToken ct) => store.GetOrderStreamOwnerAsync(gatewayId, ct);

    /// <summary>Gives up <paramref name="owner"/>'s claim on the gateway's stream.</summary>
    public Task ReleaseAsync(string gatewayId, string owner, CancellationToken ct) => store.ReleaseOrderStreamAsync(gatewayId, owner, ct);

    private async Task<bool> SendAsync(PendingOrder order, CancellationToken ct)
    {
        try
        {
            var result = await mqtt.PublishAsync(new MqttApplicationMessage
            {
                Topic = Topics.Orders(order.GatewayId),
                Payload = order.Payload,
                QualityOfService = MqttQualityOfService.AtLeastOnce,
                ContentType = "application/json",
            }, ct).WaitAsync(PublishTimeout, time, ct).ConfigureAwait(false);
            if (result.IsSuccess) return true;
            // An error reason code (e.g. 0x87 Not authorized: the broker's ACL refuses this gateway's topic).
            OrderFailed(logger, order.ReferralId, order.GatewayId, result.ReasonCode.ToString());
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Disconnected, session lost, or no PUBACK in time: the row stays and is sent again.
            OrderFailed(logger, order.ReferralId, order.GatewayId, ex.Message);
            return false;
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Order {ReferralId} for gateway {GatewayId} not sent yet, will retry: {Reason}")]
    private static partial void OrderFailed(ILogger logger, string referralId, string gatewayId, string reason);
}
