using EdgeLab.Hub.Store.Fleet;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Fleet.Alerts;

/// <summary>
/// The durable sweep that owns fleet alerts (issue 12 §6). Called by every node's <c>Grains/GrainWakeup</c> each
/// second: every <see cref="FleetAlertOptions.EvaluateEvery"/> it evaluates the whole fleet from the hub's tables
/// (<see cref="FleetAlertRules"/>) and reconciles the open alerts (<see cref="FleetAlertStore.ReconcileAsync"/>: raise,
/// clear, queue deliveries in one transaction); on every call it makes one attempt at each due delivery, backing off
/// 1 s doubling to 5 min. All state is in the tables and all time comes from the injected <see cref="TimeProvider"/>,
/// so a node restart or a dead node loses no alert, and tests move the clock.
/// </summary>
internal sealed partial class FleetAlertMonitor(
    FleetConsoleStore fleet, FleetAlertStore alerts, IEnumerable<IAlertChannel> channels, FleetAlertOptions options, TimeProvider time, ILogger<FleetAlertMonitor> logger)
{
    private const int MaxDeliveriesPerPass = 50;
    private readonly IReadOnlyList<IAlertChannel> _channels = channels.Where(c => c.Enabled).ToList();
    private DateTimeOffset _nextEvaluation = DateTimeOffset.MinValue;

    /// <summary>The sweep's call: evaluate when due, then deliver what is due.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (time.GetUtcNow() >= _nextEvaluation)
        {
            await EvaluateAsync(ct).ConfigureAwait(false);
            _nextEvaluation = time.GetUtcNow() + options.EvaluateEvery;
        }
        await DeliverDueAsync(ct).ConfigureAwait(false);
    }

    /// <summary>One evaluation of the whole fleet; returns what was raised and cleared.</summary>
    public async Task<(IReadOnlyList<FleetAlert> Raised, IReadOnlyList<FleetAlert> Cleared)> EvaluateAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var gateways = await fleet.ListAsync(ct).ConfigureAwait(false);
        var flaps = await fleet.OfflineChangesSinceAsync(now - options.FlappingWindow, ct).ConfigureAwait(false);
        var conditions = gateways.ToDictionary(g => g.Id, g => FleetAlertRules.Evaluate(g, flaps.GetValueOrDefault(g.Id), now, options), StringComparer.Ordinal);
        var outcome = await alerts.ReconcileAsync(conditions, _channels.Select(c => c.Name).ToList(), ct).ConfigureAwait(false);
        foreach (var a in outcome.Raised) Raised(logger, a.Kind.Text(), a.GatewayId, a.Subject);
        foreach (var a in outcome.Cleared) Cleared(logger, a.Kind.Text(), a.GatewayId, a.Subject);
        return outcome;
    }

    /// <summary>One attempt at each due delivery; returns how many were accepted.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var delivered = 0;
        foreach (var d in await alerts.DueDeliveriesAsync(MaxDeliveriesPerPass, ct).ConfigureAwait(false))
        {
            var channel = _channels.FirstOrDefault(c => c.Name == d.Channel);
            var error = channel is null
                ? $"channel '{d.Channel}' is not configured on this node"
                : await channel.SendAsync(new AlertNotice(d.Event, d.Alert), ct).ConfigureAwait(false);
            var attempts = (int)d.Attempts + 1;
            if (!await alerts.RecordAttemptAsync(d.Id, error, Ingest.NotificationDelivery.Backoff(attempts), ct).ConfigureAwait(false)) continue;
            if (error is null) delivered++;
            else DeliveryFailed(logger, d.Alert.Id, d.Channel, attempts, error);
        }
        return delivered;
    }

    // Ids and kinds only: gateway ids and instrument ids are not patient data.
    [LoggerMessage(70, LogLevel.Warning, "Fleet alert raised: {Kind} on gateway {GatewayId} {Subject}")]
    private static partial void Raised(ILogger logger, string kind, string gatewayId, string subject);

    [LoggerMessage(71, LogLevel.Information, "Fleet alert cleared: {Kind} on gateway {GatewayId} {Subject}")]
    private static partial void Cleared(ILogger logger, string kind, string gatewayId, string subject);

    [LoggerMessage(72, LogLevel.Warning, "Fleet alert {AlertId} not delivered by {Channel} (attempt {Attempts}): {Error}")]
    private static partial void DeliveryFailed(ILogger logger, long alertId, string channel, int attempts, string error);
}
