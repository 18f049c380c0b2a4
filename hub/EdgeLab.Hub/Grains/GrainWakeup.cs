using System.Threading.Channels;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Grains;

/// <summary>
/// Finds work waiting in the hub's tables and wakes the grains that own it: gateways with order-outbox rows, an
/// unpublished desired configuration or pending commands (and times out commands nobody answered), organizations with a critical-value notification due. Runs on every node: when the node starts (pending work of
/// a previous run — reminders on SQLite live in memory), when a referral change committed rows
/// (<see cref="IOrderOutboxSignal"/>), when the broker connection is (re)established, and every
/// <see cref="SweepInterval"/> — the safety net that re-activates, on a live node, the grains of a node that died
/// with work pending. A wake-up of a grain that is already busy or has nothing to do costs one table read.
/// </summary>
internal sealed partial class GrainWakeup : BackgroundService, IOrderOutboxSignal
{
    /// <summary>Bounds how long work of a dead node waits (plus membership's detection time, ≈ 1–2 s).</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly IGrainFactory _grains;
    private readonly IOrderOutboxStore _orders;
    private readonly Store.Fleet.FleetConfigStore _configs;
    private readonly Store.Fleet.GatewayCommandStore _commands;
    private readonly Store.Fleet.Rollouts.RolloutStore _rollouts;
    private readonly NotificationDelivery _notifications;
    private readonly CriticalEscalation _escalation;
    private readonly Archive.RetrievalOverdue _retrievals;
    private readonly Transfers.TransferOverdueAlerts _transfers;
    private readonly Fleet.Alerts.FleetAlertMonitor _fleetAlerts;
    private readonly TimeProvider _time;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<GrainWakeup> _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public GrainWakeup(IGrainFactory grains, IOrderOutboxStore orders, Store.Fleet.FleetConfigStore configs, Store.Fleet.GatewayCommandStore commands,
        Store.Fleet.Rollouts.RolloutStore rollouts, Fleet.CommandReplyReceiver replies, NotificationDelivery notifications, CriticalEscalation escalation, Archive.RetrievalOverdue retrievals, Transfers.TransferOverdueAlerts transfers, Fleet.Alerts.FleetAlertMonitor fleetAlerts, HubMqttConnection mqtt, TimeProvider time,
        IHostApplicationLifetime lifetime, ILogger<GrainWakeup> logger)
    {
        _configs = configs;
        _commands = commands;
        _rollouts = rollouts;
        mqtt.CommandReplyHandler = replies.HandleAsync;
        _lifetime = lifetime;
        _grains = grains;
        _orders = orders;
        _notifications = notifications;
        _escalation = escalation;
        _retrievals = retrievals;
        _transfers = transfers;
        _fleetAlerts = fleetAlerts;
        _time = time;
        _logger = logger;
        mqtt.Client.Connected += _ => Wake();
    }

    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>One sweep: every gateway with pending orders and every organization with a due notification is told.</summary>
    public async Task SweepAsync(CancellationToken ct)
    {
        foreach (var gateway in await _orders.ListGatewaysWithPendingOrdersAsync(ct).ConfigureAwait(false))
            await _grains.GetGrain<IGatewayGrain>(gateway).WakeOrdersAsync().ConfigureAwait(false);
        // Fleet (issue 12): desired versions not yet published (e.g. 'config set' from the command line, or a node that
        // died before publishing), pending commands, and commands whose timeout passed.
        await _commands.ExpireAsync(ct).ConfigureAwait(false);
        foreach (var gateway in (await _configs.ListUnpublishedAsync(ct).ConfigureAwait(false)).Union(await _commands.ListGatewaysWithPendingAsync(ct).ConfigureAwait(false)))
            await _grains.GetGrain<IGatewayGrain>(gateway).PublishFleetAsync().ConfigureAwait(false);
        // Rollouts (issue 12 §3): the sweep is each running rollout's durable timer; its grain steps it.
        foreach (var rollout in await _rollouts.ListRunningAsync(ct).ConfigureAwait(false))
            await _grains.GetGrain<IRolloutGrain>(rollout).WakeAsync().ConfigureAwait(false);
        var organizations = (await _notifications.OrganizationsDueAsync(ct).ConfigureAwait(false))
            .Union(await _escalation.OrganizationsDueAsync(ct).ConfigureAwait(false))
            .Union(await _retrievals.OrganizationsDueAsync(ct).ConfigureAwait(false));
        foreach (var organization in organizations)
            await _grains.GetGrain<IOrganizationGrain>(organization).WakeNotificationsAsync().ConfigureAwait(false);
        // Specimen transfer deadlines (issue 15 §1): overdue shipments and results, raised once each.
        await _transfers.RaiseAsync(ct).ConfigureAwait(false);
        // Fleet alerts (issue 12 §6): evaluated every few seconds from the tables, delivered with backoff.
        await _fleetAlerts.RunAsync(ct).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Hosted services start side by side (RunCommand): grains answer once the silo has started, i.e. when the
        // host reports every service started.
        var started = new TaskCompletionSource();
        using (_lifetime.ApplicationStarted.Register(started.SetResult))
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                SweepFailed(_logger, ex.Message);
            }
            using var timer = new CancellationTokenSource(SweepInterval, _time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timer.Token);
            try
            {
                await _wake.Reader.ReadAsync(either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The interval passed without a wake-up: sweep.
            }
        }
    }

    [LoggerMessage(30, LogLevel.Warning, "Grain wake-up sweep failed, will retry: {Reason}")]
    private static partial void SweepFailed(ILogger logger, string reason);
}
