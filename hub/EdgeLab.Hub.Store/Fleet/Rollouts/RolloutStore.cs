using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store.Fleet.Rollouts;

/// <summary>
/// Rollouts as rows (migration 0110): the only state a rollout has, so the grain of any hub node continues one another
/// node left. Every change is one transaction with its history entry; a person's action is also audited. A wave pins the
/// new document on its gateways (<c>config_layer_pin</c>) and recomputes their desired version; a rollback drops the pin
/// and recomputes again (a new, higher version with the previous document, republished by the gateway's grain);
/// completion stores the layer's new revision and drops the pins it made redundant.
/// </summary>
public sealed partial class RolloutStore(IHubDatabase database, TimeProvider time)
{
    public async Task<Rollout> StartAsync(RolloutPayload payload, RolloutPlan plan, string actor, CancellationToken cancellationToken = default)
    {
        plan = plan.Validated();
        var config = payload as ConfigLayerPayload ?? throw new StoreValidationException($"rollout kind '{payload.Kind}' is not supported yet");
        ConfigLayers.ParseLayer(ConfigLayers.Canonical(config.Document), config.Scope);
        var id = "ro-" + Guid.NewGuid().ToString("N")[..12];
        using (await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var busy = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "SELECT id FROM rollout WHERE scope_kind = @k AND scope_value = @v AND state IN ('running', 'paused')",
                new { k = config.Scope.KindText, v = config.Scope.Value }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (busy is not null) throw new StoreValidationException($"layer {config.Scope} already has rollout {busy} in progress; abort it or wait for it to finish");
            var targets = await TargetsAsync(c, tx, config.Scope, cancellationToken).ConfigureAwait(false);
            if (targets.Count == 0) throw new StoreValidationException($"no enabled gateway is in {config.Scope}: nothing to roll out to");
            var now = Ms(time.GetUtcNow());
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO rollout(id, kind, scope_kind, scope_value, payload, plan, initial_target, state, wave, created_at, created_by, updated_at) " +
                "VALUES (@id, @kind, @k, @v, @payload, @plan, @initial, 'running', -1, @now, @actor, @now)",
                new { id, initial = string.Join(' ', targets.Select(t => t.GatewayId)), kind = payload.Kind, k = config.Scope.KindText, v = config.Scope.Value, payload = ConfigLayers.Canonical(config.Document), plan = JsonSerializer.Serialize(plan, RolloutJson.Default.RolloutPlan), now, actor },
                tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await HistoryAsync(c, tx, id, now, actor, "start", null, $"{config.Scope} to {targets.Count} gateway(s) in waves {string.Join(", ", plan.Waves)}", cancellationToken).ConfigureAwait(false);
            await FleetConfigStore.AuditAsync(c, tx, now, actor, AuditOrg(config.Scope), "rollout-start", "Rollout", id, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return (await GetAsync(id, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Pause, resume or abort by a person. Abort rolls the current wave back; returns the gateways whose desired version changed.</summary>
    public async Task<IReadOnlyList<DesiredVersion>> ActAsync(string id, RolloutAction action, string actor, CancellationToken cancellationToken = default)
    {
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var row = await RowAsync(c, tx, id, cancellationToken).ConfigureAwait(false) ?? throw new StoreValidationException($"rollout '{id}' does not exist; see 'edgelab-hub rollouts list'");
        var state = Enum<RolloutState>(row.state);
        var (from, to) = action switch
        {
            RolloutAction.Pause => (new[] { RolloutState.Running }, RolloutState.Paused),
            RolloutAction.Resume => (new[] { RolloutState.Paused }, RolloutState.Running),
            _ => (new[] { RolloutState.Running, RolloutState.Paused }, RolloutState.Aborted),
        };
        if (!from.Contains(state))
            throw new StoreValidationException($"rollout '{id}' is {Enum(state)}; {Enum(action)} applies to a {string.Join(" or ", from.Select(f => Enum(f)))} rollout");
        var now = Ms(time.GetUtcNow());
        var versions = new List<DesiredVersion>();
        if (action == RolloutAction.Abort)
            versions.AddRange(await RollBackAsync(c, tx, row, (int)row.wave, null, actor, now, "aborted", cancellationToken).ConfigureAwait(false));
        await SetStateAsync(c, tx, id, to, action == RolloutAction.Abort ? $"aborted by {actor}" : row.reason, now, cancellationToken).ConfigureAwait(false);
        await HistoryAsync(c, tx, id, now, actor, Enum(action), null, null, cancellationToken).ConfigureAwait(false);
        await FleetConfigStore.AuditAsync(c, tx, now, actor, AuditOrg(row.Scope), "rollout-" + Enum(action), "Rollout", id, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return versions;
    }

    /// <summary>
    /// Starts wave <paramref name="wave"/> with <paramref name="members"/>: pins the new document on each and gives each a new
    /// desired version. No-op (null) unless the rollout is running and its last wave is <paramref name="wave"/> − 1.
    /// </summary>
    public async Task<IReadOnlyList<DesiredVersion>?> StartWaveAsync(string id, int wave, IReadOnlyList<WaveMember> members, CancellationToken cancellationToken = default)
    {
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var row = await RowAsync(c, tx, id, cancellationToken).ConfigureAwait(false);
        if (row is null || row.state != "running" || row.wave != wave - 1) return null;
        var now = Ms(time.GetUtcNow());
        await c.ExecuteAsync(new CommandDefinition("UPDATE rollout SET wave = @wave, wave_started_at = @now, updated_at = @now WHERE id = @id",
            new { id, wave, now }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var gateways = (await FleetConfigStore.LoadGatewaysAsync(c, tx, cancellationToken).ConfigureAwait(false)).ToDictionary(g => g.id, StringComparer.Ordinal);
        var layers = await FleetConfigStore.LoadLatestLayersAsync(c, tx, cancellationToken).ConfigureAwait(false);
        var versions = new List<DesiredVersion>();
        foreach (var m in members)
        {
            await SetPinAsync(c, tx, m.GatewayId, row.Scope, row.payload, id, cancellationToken).ConfigureAwait(false);
            var version = await FleetConfigStore.RecomputeAsync(c, tx, gateways[m.GatewayId], layers, "rollout:" + id, now, cancellationToken).ConfigureAwait(false);
            if (version is not null) versions.Add(version);
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO rollout_gateway(rollout_id, gateway_id, wave, state, desired_version, baseline_links, baseline_outbox, baseline_event_id, started_at) " +
                "VALUES (@id, @gw, @wave, 'applying', @version, @links, @outbox, @eventId, @now)",
                new { id, gw = m.GatewayId, wave, version = version?.Version ?? await LatestVersionAsync(c, tx, m.GatewayId, cancellationToken).ConfigureAwait(false), links = string.Join(' ', m.BaselineLinksUp), outbox = m.BaselineOutboxDepth, eventId = m.BaselineEventId, now },
                tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        await HistoryAsync(c, tx, id, now, "hub", "wave-start", null, $"wave {wave + 1}: {members.Count} gateway(s){(members.Count == 0 ? "" : ": " + string.Join(", ", members.Select(m => m.GatewayId)))}", cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return versions;
    }

    /// <summary>Records a gateway's progress (applying → watching → healthy | failed) if it is still <paramref name="from"/>.</summary>
    public async Task UpdateGatewayAsync(string id, string gatewayId, RolloutGatewayState from, RolloutGatewayState to, DateTimeOffset? reportedAt, DateTimeOffset? watchUntil,
        string? reason, CancellationToken cancellationToken = default)
    {
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var updated = await c.ExecuteAsync(new CommandDefinition(
            "UPDATE rollout_gateway SET state = @to, reported_at = COALESCE(@reported, reported_at), watch_until = COALESCE(@watch, watch_until), reason = @reason " +
            "WHERE rollout_id = @id AND gateway_id = @gw AND state = @from",
            new { id, gw = gatewayId, from = Enum(from), to = Enum(to), reported = Ms(reportedAt), watch = Ms(watchUntil), reason }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (updated == 0) return;
        var now = Ms(time.GetUtcNow());
        await HistoryAsync(c, tx, id, now, "hub", "gateway-" + Enum(to), gatewayId, reason, cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("UPDATE rollout SET updated_at = @now WHERE id = @id", new { id, now }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rolls back <paramref name="gatewayIds"/> of the current wave (all of its gateways when null) and, when
    /// <paramref name="stopWith"/> is given, stops the rollout with that reason. Returns the new desired versions.
    /// </summary>
    public async Task<IReadOnlyList<DesiredVersion>> RollBackAsync(string id, IReadOnlyList<string>? gatewayIds, string reason, string? stopWith, CancellationToken cancellationToken = default)
    {
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var row = await RowAsync(c, tx, id, cancellationToken).ConfigureAwait(false);
        if (row is null || row.state != "running") return [];
        var now = Ms(time.GetUtcNow());
        var versions = await RollBackAsync(c, tx, row, (int)row.wave, gatewayIds, "hub", now, reason, cancellationToken).ConfigureAwait(false);
        if (stopWith is not null)
        {
            await SetStateAsync(c, tx, id, RolloutState.Stopped, stopWith, now, cancellationToken).ConfigureAwait(false);
            await HistoryAsync(c, tx, id, now, "hub", "stop", null, stopWith, cancellationToken).ConfigureAwait(false);
            await FleetConfigStore.AuditAsync(c, tx, now, "hub", AuditOrg(row.Scope), "rollout-stop", "Rollout", id, cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return versions;
    }

    /// <summary>
    /// Completes the rollout: the layer gets the new document as its next revision, the pins that now say the same are
    /// dropped, and a gateway that was rolled back keeps the previous document by a pin — a failed gateway never gets the
    /// change it failed on through the back door. Returns the gateways whose desired version changed (late joiners).
    /// </summary>
    public async Task<IReadOnlyList<DesiredVersion>> CompleteAsync(string id, CancellationToken cancellationToken = default)
    {
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var row = await RowAsync(c, tx, id, cancellationToken).ConfigureAwait(false);
        if (row is null || row.state != "running") return [];
        var now = Ms(time.GetUtcNow());
        var previous = await c.QuerySingleOrDefaultAsync<RevisionRow>(new CommandDefinition(
            "SELECT revision, document FROM config_layer WHERE scope_kind = @k AND scope_value = @v ORDER BY revision DESC LIMIT 1",
            new { k = row.scope_kind, v = row.scope_value }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var gw in await c.QueryAsync<string>(new CommandDefinition(
                     "SELECT gateway_id FROM rollout_gateway WHERE rollout_id = @id AND state = 'rolledback'", new { id }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false))
            await SetPinAsync(c, tx, gw, row.Scope, previous?.document, id, cancellationToken).ConfigureAwait(false);
        if (previous?.document != row.payload)
        {
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO config_layer(scope_kind, scope_value, revision, document, changed_at, changed_by) VALUES (@k, @v, @revision, @document, @now, @actor)",
                new { k = row.scope_kind, v = row.scope_value, revision = (previous?.revision ?? 0) + 1, document = row.payload, now, actor = row.created_by }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await FleetConfigStore.AuditAsync(c, tx, now, row.created_by, AuditOrg(row.Scope), "config-set", "ConfigLayer", row.Scope.ToString(), cancellationToken).ConfigureAwait(false);
        }
        await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM config_layer_pin WHERE rollout_id = @id AND document = @document", new { id, document = row.payload }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var versions = new List<DesiredVersion>();
        var layers = await FleetConfigStore.LoadLatestLayersAsync(c, tx, cancellationToken).ConfigureAwait(false);
        foreach (var gateway in (await FleetConfigStore.LoadGatewaysAsync(c, tx, cancellationToken).ConfigureAwait(false)).Where(g => FleetConfigStore.Matches(g, row.Scope)))
        {
            if (await FleetConfigStore.RecomputeAsync(c, tx, gateway, layers, "rollout:" + id, now, cancellationToken).ConfigureAwait(false) is { } v) versions.Add(v);
        }
        await SetStateAsync(c, tx, id, RolloutState.Completed, null, now, cancellationToken).ConfigureAwait(false);
        await HistoryAsync(c, tx, id, now, "hub", "complete", null, $"layer {row.Scope} revision {(previous?.revision ?? 0) + 1}", cancellationToken).ConfigureAwait(false);
        await FleetConfigStore.AuditAsync(c, tx, now, "hub", AuditOrg(row.Scope), "rollout-complete", "Rollout", id, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return versions;
    }

    private async Task<List<DesiredVersion>> RollBackAsync(DbConnection c, DbTransaction tx, RolloutRow row, int wave, IReadOnlyList<string>? gatewayIds, string actor, long now, string reason, CancellationToken ct)
    {
        var members = (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT gateway_id FROM rollout_gateway WHERE rollout_id = @id AND wave = @wave AND state <> 'rolledback' ORDER BY gateway_id",
            new { id = row.id, wave }, tx, cancellationToken: ct)).ConfigureAwait(false)).Where(g => gatewayIds is null || gatewayIds.Contains(g)).ToList();
        if (members.Count == 0) return [];
        var gateways = (await FleetConfigStore.LoadGatewaysAsync(c, tx, ct).ConfigureAwait(false)).ToDictionary(g => g.id, StringComparer.Ordinal);
        var layers = await FleetConfigStore.LoadLatestLayersAsync(c, tx, ct).ConfigureAwait(false);
        var versions = new List<DesiredVersion>();
        foreach (var gw in members)
        {
            await c.ExecuteAsync(new CommandDefinition("DELETE FROM config_layer_pin WHERE gateway_id = @gw AND scope_kind = @k AND scope_value = @v AND rollout_id = @id",
                new { gw, k = row.scope_kind, v = row.scope_value, id = row.id }, tx, cancellationToken: ct)).ConfigureAwait(false);
            var version = gateways.TryGetValue(gw, out var g) ? await FleetConfigStore.RecomputeAsync(c, tx, g, layers, "rollout:" + row.id, now, ct).ConfigureAwait(false) : null;
            if (version is not null) versions.Add(version);
            await c.ExecuteAsync(new CommandDefinition(
                "UPDATE rollout_gateway SET state = 'rolledback', rollback_version = @version, reason = CASE WHEN state = 'failed' THEN reason ELSE @reason END WHERE rollout_id = @id AND gateway_id = @gw",
                new { id = row.id, gw, version = version?.Version, reason }, tx, cancellationToken: ct)).ConfigureAwait(false);
            await HistoryAsync(c, tx, row.id, now, actor, "gateway-rolled-back", gw, version is null ? reason : $"{reason}; previous document as version {version.Version}", ct).ConfigureAwait(false);
        }
        return versions;
    }

    private static async Task SetPinAsync(DbConnection c, DbTransaction tx, string gatewayId, ConfigScope scope, string? document, string rolloutId, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM config_layer_pin WHERE gateway_id = @gw AND scope_kind = @k AND scope_value = @v",
            new { gw = gatewayId, k = scope.KindText, v = scope.Value }, tx, cancellationToken: ct)).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("INSERT INTO config_layer_pin(gateway_id, scope_kind, scope_value, document, rollout_id) VALUES (@gw, @k, @v, @document, @rolloutId)",
            new { gw = gatewayId, k = scope.KindText, v = scope.Value, document, rolloutId }, tx, cancellationToken: ct)).ConfigureAwait(false);
    }

    private static Task<long?> LatestVersionAsync(DbConnection c, DbTransaction tx, string gatewayId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<long?>(new CommandDefinition("SELECT MAX(version) FROM gateway_desired_config WHERE gateway_id = @gatewayId", new { gatewayId }, tx, cancellationToken: ct));

    private static Task SetStateAsync(DbConnection c, DbTransaction tx, string id, RolloutState state, string? reason, long now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE rollout SET state = @state, reason = @reason, updated_at = @now, finished_at = CASE WHEN @finished = 1 THEN @now ELSE finished_at END WHERE id = @id",
            new { id, state = Enum(state), reason, now, finished = state is RolloutState.Completed or RolloutState.Stopped or RolloutState.Aborted ? 1 : 0 }, tx, cancellationToken: ct));

    private static async Task HistoryAsync(DbConnection c, DbTransaction tx, string id, long at, string actor, string action, string? gatewayId, string? text, CancellationToken ct)
    {
        var seq = await c.QuerySingleAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(seq), 0) + 1 FROM rollout_event WHERE rollout_id = @id", new { id }, tx, cancellationToken: ct)).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO rollout_event(rollout_id, seq, at, actor, action, gateway_id, text) VALUES (@id, @seq, @at, @actor, @action, @gatewayId, @text)",
            new { id, seq, at, actor, action, gatewayId, text }, tx, cancellationToken: ct)).ConfigureAwait(false);
    }

    private static string AuditOrg(ConfigScope scope) => scope.Kind == ConfigScopeKind.Lab ? scope.Value : "region";
}
