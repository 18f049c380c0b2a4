using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store.Fleet.Rollouts;

/// <summary>What the engine, the API and the command line read: rollouts, the target's gateways, what gateways reported.</summary>
public sealed partial class RolloutStore
{
    public async Task<Rollout?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await RowAsync(c, null, id, cancellationToken).ConfigureAwait(false);
        if (row is null) return null;
        var gateways = await c.QueryAsync<GatewayRow>(new CommandDefinition(
            "SELECT gateway_id, wave, state, desired_version, baseline_links, baseline_outbox, baseline_event_id, started_at, reported_at, watch_until, reason, rollback_version " +
            "FROM rollout_gateway WHERE rollout_id = @id ORDER BY wave, gateway_id", new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var history = await c.QueryAsync<EventRow>(new CommandDefinition(
            "SELECT seq, at, actor, action, gateway_id, text FROM rollout_event WHERE rollout_id = @id ORDER BY seq", new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row.ToRollout(gateways.Select(g => g.ToGateway()).ToList(), history.Select(e => e.ToEntry()).ToList());
    }

    /// <summary>Every rollout, newest first, without gateways and history (the list page, <c>rollouts list</c>).</summary>
    public async Task<IReadOnlyList<Rollout>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<RolloutRow>(new CommandDefinition(
            "SELECT id, kind, scope_kind, scope_value, payload, plan, initial_target, state, wave, wave_started_at, reason, created_at, created_by, updated_at, finished_at FROM rollout ORDER BY created_at DESC, id",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var gateways = (await c.QueryAsync<GatewayRow>(new CommandDefinition(
                "SELECT g.rollout_id, g.gateway_id, g.wave, g.state, g.desired_version, g.baseline_links, g.baseline_outbox, g.baseline_event_id, g.started_at, g.reported_at, g.watch_until, g.reason, g.rollback_version " +
                "FROM rollout_gateway g ORDER BY g.wave, g.gateway_id", cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToLookup(g => g.rollout_id, StringComparer.Ordinal);
        return rows.Select(r => r.ToRollout(gateways[r.id].Select(g => g.ToGateway()).ToList(), [])).ToList();
    }

    /// <summary>Rollouts the engine must step (the grains' sweep).</summary>
    public async Task<IReadOnlyList<string>> ListRunningAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<string>(new CommandDefinition("SELECT id FROM rollout WHERE state = 'running' ORDER BY id", cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
    }

    /// <summary>The enabled gateways in <paramref name="scope"/> now, with their labels and last status (a gateway added after the start is here too).</summary>
    public async Task<IReadOnlyList<TargetGateway>> ListTargetAsync(ConfigScope scope, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await TargetsAsync(c, null, scope, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The last event id the hub holds from each gateway (a new wave's baseline: events after it are new).</summary>
    public async Task<long> LastEventIdAsync(string gatewayId, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT MAX(id) FROM gateway_event WHERE gateway_id = @gatewayId", new { gatewayId }, cancellationToken: cancellationToken)).ConfigureAwait(false) ?? 0;
    }

    /// <summary>What the hub has from <paramref name="gatewayId"/>: its retained status, and its quarantines and refusals after <paramref name="sinceEventId"/>.</summary>
    public async Task<GatewayObservation> ObserveAsync(string gatewayId, long sinceEventId, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var status = await c.QuerySingleOrDefaultAsync<StatusRow>(new CommandDefinition(
            "SELECT online, last_status_json FROM gateway WHERE id = @gatewayId", new { gatewayId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var events = await c.QueryAsync<ObservedEventRow>(new CommandDefinition(
            "SELECT type, text, data_json FROM gateway_event WHERE gateway_id = @gatewayId AND id > @sinceEventId AND type IN ('quarantined', 'config-rejected') ORDER BY id",
            new { gatewayId, sinceEventId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var quarantined = 0;
        var rejected = new List<(long, string)>();
        foreach (var e in events)
        {
            if (e.type == "quarantined") quarantined++;
            else if (RejectedVersion(e.data_json) is { } v) rejected.Add((v, e.text ?? ""));
        }
        return new GatewayObservation(gatewayId, status?.last_status_json, status?.online is { } o ? o != 0 : null, quarantined, rejected);
    }

    /// <summary>The version a <c>config-rejected</c> event names (its data: <c>"version": "N"</c>, gateway ConfigApplier).</summary>
    private static long? RejectedVersion(string? dataJson)
    {
        if (dataJson is null) return null;
        try
        {
            return JsonNode.Parse(dataJson)?["version"]?.GetValue<string>() is { } s && long.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task<IReadOnlyList<TargetGateway>> TargetsAsync(DbConnection c, DbTransaction? tx, ConfigScope scope, CancellationToken ct)
    {
        var enabled = (await c.QueryAsync<string>(new CommandDefinition("SELECT id FROM gateway WHERE state = 'enabled'", transaction: tx, cancellationToken: ct)).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        return (await FleetConfigStore.LoadGatewaysAsync(c, tx, ct).ConfigureAwait(false))
            .Where(g => enabled.Contains(g.id) && FleetConfigStore.Matches(g, scope))
            .Select(g => new TargetGateway(g.id, g.Groups.Labels, g.last_status_json)).ToList();
    }

    private static Task<RolloutRow?> RowAsync(DbConnection c, DbTransaction? tx, string id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<RolloutRow>(new CommandDefinition(
            "SELECT id, kind, scope_kind, scope_value, payload, plan, initial_target, state, wave, wave_started_at, reason, created_at, created_by, updated_at, finished_at FROM rollout WHERE id = @id",
            new { id }, tx, cancellationToken: ct));

    private sealed class RolloutRow
    {
        public string id { get; set; } = "";
        public string kind { get; set; } = "";
        public string scope_kind { get; set; } = "";
        public string scope_value { get; set; } = "";
        public string payload { get; set; } = "";
        public string plan { get; set; } = "";
        public string initial_target { get; set; } = "";
        public string state { get; set; } = "";
        public long wave { get; set; }
        public long? wave_started_at { get; set; }
        public string? reason { get; set; }
        public long created_at { get; set; }
        public string created_by { get; set; } = "";
        public long updated_at { get; set; }
        public long? finished_at { get; set; }

        public ConfigScope Scope => ConfigScope.Parse(scope_kind, scope_value);

        public Rollout ToRollout(IReadOnlyList<RolloutGateway> gateways, IReadOnlyList<RolloutHistoryEntry> history) => new(
            id, new ConfigLayerPayload(Scope, JsonNode.Parse(payload)!.AsObject()), JsonSerializer.Deserialize(plan, RolloutJson.Default.RolloutPlan)!,
            Codes(initial_target), Enum<RolloutState>(state), (int)wave, Time(wave_started_at), reason, Time(created_at), created_by, Time(updated_at), Time(finished_at), gateways, history);
    }

    private sealed class GatewayRow
    {
        public string rollout_id { get; set; } = "";
        public string gateway_id { get; set; } = "";
        public long wave { get; set; }
        public string state { get; set; } = "";
        public long? desired_version { get; set; }
        public string baseline_links { get; set; } = "";
        public long? baseline_outbox { get; set; }
        public long baseline_event_id { get; set; }
        public long started_at { get; set; }
        public long? reported_at { get; set; }
        public long? watch_until { get; set; }
        public string? reason { get; set; }
        public long? rollback_version { get; set; }

        public RolloutGateway ToGateway() => new(gateway_id, (int)wave, Enum<RolloutGatewayState>(state), desired_version, Codes(baseline_links), baseline_outbox,
            baseline_event_id, Time(started_at), Time(reported_at), Time(watch_until), reason, rollback_version);
    }

    private sealed class EventRow
    {
        public long seq { get; set; }
        public long at { get; set; }
        public string actor { get; set; } = "";
        public string action { get; set; } = "";
        public string? gateway_id { get; set; }
        public string? text { get; set; }

        public RolloutHistoryEntry ToEntry() => new((int)seq, Time(at), actor, action, gateway_id, text);
    }

    private sealed class StatusRow
    {
        public long? online { get; set; }
        public string? last_status_json { get; set; }
    }

    private sealed class ObservedEventRow
    {
        public string type { get; set; } = "";
        public string? text { get; set; }
        public string? data_json { get; set; }
    }

    private sealed class RevisionRow
    {
        public long revision { get; set; }
        public string document { get; set; } = "";
    }
}
