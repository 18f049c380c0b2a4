using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace EdgeLab.Hub.Grains;

/// <summary>
/// The gateway's grain (see <see cref="IGatewayGrain"/>). Its order stream is the outbox rows of this gateway; the
/// grain keeps no copy of them — every round re-reads the table — so a second activation, a restart or a crash
/// loses nothing. Retries run on a grain timer with backoff (0.25 s doubling to 8 s); the sweep in
/// <see cref="GrainWakeup"/> wakes the grain again on any node if this activation dies with rows pending.
/// </summary>
internal sealed partial class GatewayGrain(
    OrderStream orders, Fleet.DesiredConfigPublisher configs, Fleet.CommandPublisher commands, IClusterMembershipService membership, ILocalSiloDetails silo,
    ILogger<GatewayGrain> logger)
    : Grain, IGatewayGrain
{
    /// <summary>First retry after a failed publish; doubles per failure up to <see cref="MaxBackoff"/>.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(8);

    /// <summary>How soon to look again when another live activation holds the stream.</summary>
    public static readonly TimeSpan ClaimedElsewhereRetry = TimeSpan.FromSeconds(1);

    private readonly string _owner = OrderStreamOwner.Current(silo.SiloAddress).ToString();
    private IGrainTimer? _retry;
    private DateTimeOffset? _lastIngestAt;
    private int _published;
    private int _failures;

    private string GatewayId => this.GetPrimaryKeyString();

    public Task WakeOrdersAsync() => DrainAsync(CancellationToken.None);

    public async Task PublishFleetAsync()
    {
        try
        {
            // Configuration first: a command sent after a change (e.g. restart) finds the new version retained.
            await configs.PublishAsync(GatewayId, CancellationToken.None);
            await commands.SendPendingAsync(GatewayId, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The rows stay; the sweep wakes this grain again.
            FleetPublishFailed(logger, GatewayId, ex.Message);
        }
    }

    public Task IngestCommittedAsync(DateTimeOffset at)
    {
        if (_lastIngestAt is null || at > _lastIngestAt) _lastIngestAt = at;
        return Task.CompletedTask;
    }

    public Task<GatewayGrainStatus> GetStatusAsync() => Task.FromResult(new GatewayGrainStatus(_lastIngestAt, _owner, _published, _failures));

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Graceful hand-over: whichever node activates the grain next takes the stream at once.
        try
        {
            await orders.ReleaseAsync(GatewayId, _owner, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReleaseFailed(logger, GatewayId, ex.Message);
        }
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        _retry?.Dispose();
        _retry = null;
        var (outcome, published) = await orders.DrainAsync(GatewayId, _owner, deadOwner: null, ct);
        if (outcome == OrderStreamOutcome.ClaimedElsewhere && await DeadOwnerAsync(ct) is { } dead)
        {
            TakingOver(logger, GatewayId, dead);
            (outcome, var more) = await orders.DrainAsync(GatewayId, _owner, dead, ct);
            published += more;
        }
        _published += published;
        switch (outcome)
        {
            case OrderStreamOutcome.Drained:
                _failures = 0;
                break;
            case OrderStreamOutcome.Failed:
                _failures = Math.Min(_failures + 1, 6);
                Schedule(TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << (_failures - 1))));
                break;
            case OrderStreamOutcome.ClaimedElsewhere:
                Schedule(ClaimedElsewhereRetry);
                break;
        }
    }

    /// <summary>The current claim holder when it is known to be dead.</summary>
    private async Task<string?> DeadOwnerAsync(CancellationToken ct)
    {
        var owner = await orders.OwnerAsync(GatewayId, ct);
        if (owner is null || owner == _owner) return null;
        var holder = OrderStreamOwner.Parse(owner);
        if (holder?.SiloAddress is not { } address) return owner; // not ours to read: nobody alive can hold it
        // Dead: membership declared it (PostgreSQL clusters keep dead silos in the table), or its process on this
        // machine is gone — a single SQLite node restarted after a crash must not wait for the claim to expire
        // (OrderStream.ClaimDuration, 30 s), and its earlier silo is unknown to the new cluster of one. A silo merely
        // unknown to membership is not proof: another live process on the same SQLite file is a cluster of its own.
        if (membership.CurrentSnapshot.GetSiloStatus(address) == SiloStatus.Dead) return owner;
        return holder.IsGoneFromThisMachine() ? owner : null;
    }

    private void Schedule(TimeSpan delay) =>
        _retry = this.RegisterGrainTimer(static (grain, ct) => grain.DrainAsync(ct), this,
            new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });

    [LoggerMessage(10, LogLevel.Information, "Gateway {GatewayId}: taking over its order stream from {Owner}: membership declared that silo dead or its process is gone")]
    private static partial void TakingOver(ILogger logger, string gatewayId, string owner);

    [LoggerMessage(12, LogLevel.Warning, "Gateway {GatewayId}: desired configuration or commands not published yet ({Reason}); retried by the sweep")]
    private static partial void FleetPublishFailed(ILogger logger, string gatewayId, string reason);

    [LoggerMessage(11, LogLevel.Warning, "Gateway {GatewayId}: could not release the order stream claim on deactivation ({Reason}); it expires by itself")]
    private static partial void ReleaseFailed(ILogger logger, string gatewayId, string reason);
}
