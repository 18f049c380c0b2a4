using System.Threading.Channels;
using EdgeLab.Contract;
using EdgeLab.Hub.Store;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Referrals;

/// <summary>Tells the order publisher that the outbox has new rows (after the transaction that wrote them committed).</summary>
internal interface IOrderOutboxSignal
{
    void Wake();
}

/// <summary>
/// Drains the durable order outbox to <c>…/gw/{gatewayId}/orders</c> at QoS 1. A row is deleted only after its PUBACK,
/// so an order written while the broker is down (or the hub restarts) is sent once the broker is back. Rows go out
/// by sequence and a failed row stops its gateway's rows for the round, so a gateway never sees a cancel before the
/// upsert it cancels; a row is sent again after a failure it may already have reached the broker with (at least once; gateways
/// apply orders idempotently by specimen id). One hub node at a time drains, under a lease in the database.
/// </summary>
internal sealed partial class OrderOutboxPublisher : BackgroundService, IOrderOutboxSignal
{
    /// <summary>How often the outbox is read without a wake-up (rows written by another hub node, retries).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    /// <summary>Longest wait for one PUBACK; well under <see cref="Lease"/> so a round ends while the lease holds.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);
    private const int BatchSize = 100;

    private readonly IOrderOutboxStore _store;
    private readonly IMqttClient _mqtt;
    private readonly TimeProvider _time;
    private readonly ILogger<OrderOutboxPublisher> _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly string _owner = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    public OrderOutboxPublisher(IOrderOutboxStore store, IMqttClient mqtt, TimeProvider time, ILogger<OrderOutboxPublisher> logger)
    {
        _store = store;
        _mqtt = mqtt;
        _time = time;
        _logger = logger;
        _mqtt.Connected += _ => Wake();
    }

    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Sends what is pending now; false when something is left to retry. Used by the loop and by tests.</summary>
    public async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        if (_mqtt.State != MqttConnectionState.Connected) return false;
        // A gateway whose order failed gets nothing more this round (its later orders must not overtake it); the
        // others go on, so one gateway the broker refuses (ACL, reason 0x87) does not hold up every lab.
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            // Renewed per batch; a batch takes long only when the broker stalls, and then the timeouts end the round.
            if (!await _store.TryTakeOrderLeaseAsync(_owner, Lease, cancellationToken).ConfigureAwait(false)) return true;
            var batch = await _store.ListPendingOrdersAsync(BatchSize, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0) return blocked.Count == 0;
            var sent = 0;
            foreach (var order in batch)
            {
                if (blocked.Contains(order.GatewayId)) continue;
                if (!await SendAsync(order, cancellationToken).ConfigureAwait(false))
                {
                    if (_mqtt.State != MqttConnectionState.Connected) return false;
                    blocked.Add(order.GatewayId);
                    continue;
                }
                await _store.DeleteOrderAsync(order.Seq, cancellationToken).ConfigureAwait(false);
                sent++;
            }
            // Only blocked gateways' rows left in this window: retry after the backoff.
            if (sent == 0) return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            bool done;
            try
            {
                done = await DrainAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                OutboxFailed(_logger, ex);
                done = false;
            }
            failures = done ? 0 : Math.Min(failures + 1, 6);
            // After a failure back off (0.25 s doubling to 8 s); a reconnect wakes the loop at once either way.
            var delay = done ? PollInterval : TimeSpan.FromMilliseconds(250 * (1 << (failures - 1)));
            await WaitAsync(delay, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> SendAsync(PendingOrder order, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _mqtt.PublishAsync(new MqttApplicationMessage
            {
                Topic = Topics.Orders(order.GatewayId),
                Payload = order.Payload,
                QualityOfService = MqttQualityOfService.AtLeastOnce,
                ContentType = "application/json",
            }, cancellationToken).WaitAsync(PublishTimeout, _time, cancellationToken).ConfigureAwait(false);
            if (result.IsSuccess) return true;
            OrderFailed(_logger, order.ReferralId, order.GatewayId, result.ReasonCode.ToString());
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Disconnected, session lost, or no PUBACK in time: the row stays and is sent again.
            OrderFailed(_logger, order.ReferralId, order.GatewayId, ex.Message);
            return false;
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(delay, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The delay passed without a wake-up: poll.
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Order {ReferralId} for gateway {GatewayId} not sent yet, will retry: {Reason}")]
    private static partial void OrderFailed(ILogger logger, string referralId, string gatewayId, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Order outbox round failed; will retry")]
    private static partial void OutboxFailed(ILogger logger, Exception exception);
}
