using System.Data.Common;
using Dapper;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store.Fleet;

/// <summary>What a fleet alert is about (issue 12 §6).</summary>
public enum FleetAlertKind
{
    /// <summary>The gateway has been offline (Will or an offline status) longer than the threshold.</summary>
    Offline,
    /// <summary>The oldest result not yet acknowledged by the hub is older than the threshold.</summary>
    OutboxStale,
    /// <summary>An analyzer's link has been down longer than the threshold (subject: the instrument).</summary>
    InstrumentDown,
    /// <summary>The gateway's client certificate expires within the threshold.</summary>
    CertificateExpiring,
    /// <summary>K or more offline changes within M minutes.</summary>
    Flapping,
}

public static class FleetAlertKinds
{
    public static string Text(this FleetAlertKind kind) => kind switch
    {
        FleetAlertKind.Offline => "offline",
        FleetAlertKind.OutboxStale => "outbox-stale",
        FleetAlertKind.InstrumentDown => "instrument-down",
        FleetAlertKind.CertificateExpiring => "certificate-expiring",
        _ => "flapping",
    };

    public static FleetAlertKind? Parse(string? text) => System.Enum.GetValues<FleetAlertKind>().Cast<FleetAlertKind?>().FirstOrDefault(k => k!.Value.Text() == text);
}

/// <summary>A condition that should have an open alert now: kind, subject ('' or an instrument id) and a readable detail.</summary>
public sealed record AlertCondition(FleetAlertKind Kind, string Subject, string Detail);

/// <summary>One alert from raise to clear.</summary>
public sealed record FleetAlert(
    long Id, string GatewayId, FleetAlertKind Kind, string Subject, string Detail, DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy)
{
    public bool IsOpen => ClearedAt is null;
}

/// <summary>A raise or a clear waiting for one channel (webhook, e-mail…) to accept it.</summary>
public sealed record AlertDelivery(long Id, string Event, string Channel, long Attempts, FleetAlert Alert);

/// <summary>
/// Fleet alerts and their delivery queue (migration 0120). <see cref="ReconcileAsync"/> makes the open alerts of the
/// evaluated gateways equal to the conditions found: what is new is raised, what no longer holds is cleared, and each
/// raise and clear is queued once per channel in the same transaction — so a crash between deciding and delivering
/// loses nothing. Two nodes reconciling at once raise an alert once (unique index on open alerts) and clear it once
/// (<c>WHERE cleared_at IS NULL</c>).
/// </summary>
public sealed class FleetAlertStore(IHubDatabase database, TimeProvider time)
{
    private const string Columns = "a.id, a.gateway_id, a.kind, a.subject, a.detail, a.raised_at, a.cleared_at, a.acknowledged_at, a.acknowledged_by";

    public async Task<(IReadOnlyList<FleetAlert> Raised, IReadOnlyList<FleetAlert> Cleared)> ReconcileAsync(
        IReadOnlyDictionary<string, IReadOnlyList<AlertCondition>> conditionsByGateway, IReadOnlyList<string> channels, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var raised = new List<FleetAlert>();
        var cleared = new List<FleetAlert>();
        // Most sweeps change nothing: decide that on a read, without taking the writers' turn.
        await using (var read = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            var current = (await QueryAlertsAsync(read, "a.cleared_at IS NULL", null, cancellationToken).ConfigureAwait(false)).Where(a => conditionsByGateway.ContainsKey(a.GatewayId)).ToList();
            var same = current.Count == conditionsByGateway.Sum(g => g.Value.Count)
                && conditionsByGateway.All(g => g.Value.All(k => current.Any(a => a.GatewayId == g.Key && a.Kind == k.Kind && a.Subject == k.Subject)));
            if (same) return (raised, cleared);
        }
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var open = (await QueryAlertsAsync(c, "a.cleared_at IS NULL", null, cancellationToken, tx).ConfigureAwait(false))
            .Where(a => conditionsByGateway.ContainsKey(a.GatewayId)).ToList();
        foreach (var (gateway, conditions) in conditionsByGateway)
        {
            foreach (var condition in conditions)
            {
                if (open.Any(a => a.GatewayId == gateway && a.Kind == condition.Kind && a.Subject == condition.Subject)) continue;
                var id = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
                    "INSERT INTO fleet_alert(gateway_id, kind, subject, detail, raised_at) VALUES (@gw, @kind, @subject, @detail, @now) " +
                    "ON CONFLICT (gateway_id, kind, subject) WHERE cleared_at IS NULL DO NOTHING RETURNING id",
                    new { gw = gateway, kind = condition.Kind.Text(), subject = condition.Subject, detail = condition.Detail, now = Ms(now) }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (id is not { } newId) continue;
                var alert = new FleetAlert(newId, gateway, condition.Kind, condition.Subject, condition.Detail, now, null, null, null);
                await QueueAsync(c, tx, newId, "raised", channels, now, cancellationToken).ConfigureAwait(false);
                raised.Add(alert);
            }
        }
        foreach (var alert in open)
        {
            if (conditionsByGateway[alert.GatewayId].Any(k => k.Kind == alert.Kind && k.Subject == alert.Subject)) continue;
            var done = await c.ExecuteAsync(new CommandDefinition("UPDATE fleet_alert SET cleared_at = @now WHERE id = @id AND cleared_at IS NULL",
                new { id = alert.Id, now = Ms(now) }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (done == 0) continue;
            await QueueAsync(c, tx, alert.Id, "cleared", channels, now, cancellationToken).ConfigureAwait(false);
            cleared.Add(alert with { ClearedAt = now });
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (raised, cleared);
    }

    /// <summary>Every alert of a gateway (all when null), newest first.</summary>
    public async Task<IReadOnlyList<FleetAlert>> ListAsync(string? gatewayId, bool openOnly = false, int limit = 1000, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var where = new List<string> { "1 = 1" };
        if (gatewayId is not null) where.Add("a.gateway_id = @id");
        if (openOnly) where.Add("a.cleared_at IS NULL");
        return await QueryAlertsAsync(c, string.Join(" AND ", where), new { id = gatewayId }, cancellationToken, limit: limit).ConfigureAwait(false);
    }

    public async Task<FleetAlert?> GetAsync(long alertId, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await QueryAlertsAsync(c, "a.id = @id", new { id = alertId }, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>A person has seen the alert: records who and when, once. False when there is no such alert or it was acknowledged already.</summary>
    public async Task<bool> AcknowledgeAsync(long alertId, string actor, CancellationToken cancellationToken = default)
    {
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE fleet_alert SET acknowledged_at = @now, acknowledged_by = @actor WHERE id = @id AND acknowledged_at IS NULL",
            new { id = alertId, actor, now = Ms(time.GetUtcNow()) }, cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;
    }

    /// <summary>Deliveries due now, oldest first.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> DueDeliveriesAsync(int max, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<(long, long, string, string, long)>(new CommandDefinition(
            "SELECT id, alert_id, event, channel, attempts FROM fleet_alert_delivery WHERE delivered_at IS NULL AND next_attempt_at <= @now ORDER BY id LIMIT @max",
            new { now = Ms(time.GetUtcNow()), max = (long)max }, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        if (rows.Count == 0) return [];
        var alerts = (await QueryAlertsAsync(c, SqlLists.In(database.Dialect, "a.id", "ids"), new { ids = rows.Select(r => r.Item2).Distinct().ToArray() }, cancellationToken).ConfigureAwait(false))
            .ToDictionary(a => a.Id);
        return rows.Where(r => alerts.ContainsKey(r.Item2)).Select(r => new AlertDelivery(r.Item1, r.Item3, r.Item4, r.Item5, alerts[r.Item2])).ToList();
    }

    /// <summary>When the next undelivered delivery falls due, or null.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return Time(await c.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MIN(next_attempt_at) FROM fleet_alert_delivery WHERE delivered_at IS NULL", cancellationToken: cancellationToken)).ConfigureAwait(false));
    }

    /// <summary>Records one attempt: delivered (once: a second node's success changes nothing) or failed with the next try after <paramref name="retryAfter"/>.</summary>
    public async Task<bool> RecordAttemptAsync(long deliveryId, string? error, TimeSpan retryAfter, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await c.ExecuteAsync(new CommandDefinition(error is null
                ? "UPDATE fleet_alert_delivery SET delivered_at = @now, attempts = attempts + 1, last_error = NULL WHERE id = @id AND delivered_at IS NULL"
                : "UPDATE fleet_alert_delivery SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error WHERE id = @id AND delivered_at IS NULL",
            new { id = deliveryId, now = Ms(now), next = Ms(now + retryAfter), error }, cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;
    }

    /// <summary>The delivery rows of an alert (tests, the detail page).</summary>
    public async Task<IReadOnlyList<(string Event, string Channel, long Attempts, DateTimeOffset? DeliveredAt, string? LastError)>> DeliveriesOfAsync(long alertId, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<(string, string, long, long?, string?)>(new CommandDefinition(
                "SELECT event, channel, attempts, delivered_at, last_error FROM fleet_alert_delivery WHERE alert_id = @id ORDER BY id", new { id = alertId }, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .Select(r => (r.Item1, r.Item2, r.Item3, Time(r.Item4), r.Item5)).ToList();
    }

    private static async Task QueueAsync(DbConnection c, DbTransaction tx, long alertId, string what, IReadOnlyList<string> channels, DateTimeOffset now, CancellationToken ct)
    {
        if (channels.Count == 0) return;
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO fleet_alert_delivery(alert_id, event, channel, created_at, attempts, next_attempt_at) VALUES (@alertId, @what, @channel, @now, 0, @now)",
            channels.Select(channel => new { alertId, what, channel, now = Ms(now) }), tx, cancellationToken: ct)).ConfigureAwait(false);
    }

    internal static async Task<IReadOnlyList<FleetAlert>> QueryAlertsAsync(DbConnection c, string where, object? param, CancellationToken ct, DbTransaction? tx = null, int? limit = null) =>
        (await c.QueryAsync<(long, string, string, string, string, long, long?, long?, string?)>(new CommandDefinition(
            $"SELECT {Columns} FROM fleet_alert a WHERE {where} ORDER BY a.raised_at DESC, a.id DESC" + (limit is { } n ? $" LIMIT {n}" : ""), param, tx, cancellationToken: ct)).ConfigureAwait(false))
        .Select(r => new FleetAlert(r.Item1, r.Item2, FleetAlertKinds.Parse(r.Item3) ?? FleetAlertKind.Offline, r.Item4, r.Item5, Time(r.Item6), Time(r.Item7), Time(r.Item8), r.Item9))
        .ToList();
}
