using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store.Fleet;

/// <summary>A gateway's membership in the groups layers match on, besides its facility and lab.</summary>
public sealed record GatewayGroups(string? BoxModel, IReadOnlyList<string> Labels);

/// <summary>What <see cref="FleetConfigStore.SetLayerAsync"/> did: the layer's revision and which gateways got a new desired version.</summary>
public sealed record LayerChange(ConfigScope Scope, long Revision, bool Changed, IReadOnlyList<DesiredVersion> NewVersions);

public sealed record DesiredVersion(string GatewayId, long Version);

/// <summary>A configuration layer as stored.</summary>
public sealed record ConfigLayer(ConfigScope Scope, long Revision, JsonObject Document, DateTimeOffset ChangedAt, string ChangedBy);

/// <summary>
/// Desired against reported (issue 12 §2): the hub's version and document, what the grain last published, what the
/// gateway last reported in force (its retained status), and whether they differ (drift).
/// </summary>
public sealed record GatewayConfigState(
    string GatewayId, long? DesiredVersion, JsonObject? Document, IReadOnlyList<string> Layers, long? PublishedVersion, DateTimeOffset? PublishedAt,
    long? ReportedVersion, DateTimeOffset? ReportedAt, string? LastRejection, GatewayGroups Groups)
{
    /// <summary>True when a desired version exists and the gateway does not report it in force.</summary>
    public bool Drift => DesiredVersion is { } d && ReportedVersion != d;
}

/// <summary>
/// Desired configuration, versioned on the hub (migration 0070). A layer change recomputes, in the same transaction,
/// every gateway it touches (<see cref="ConfigLayers.Merge"/>); a gateway whose document changed gets version
/// max(its last desired, its reported) + 1 — above what it reports, since a gateway ignores versions at or below the
/// one in force (gateway ConfigApplier). Every change is audited in the same transaction. Publishing is the gateway
/// grain's (<see cref="ListUnpublishedAsync"/>, <see cref="MarkPublishedAsync"/>).
/// </summary>
public sealed class FleetConfigStore(IHubDatabase database, TimeProvider time)
{
    public async Task<LayerChange> SetLayerAsync(ConfigScope scope, string json, string actor, CancellationToken cancellationToken = default)
    {
        var layer = ConfigLayers.ParseLayer(json, scope);
        var canonical = ConfigLayers.Canonical(layer);
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var gateways = await LoadGatewaysAsync(c, tx, cancellationToken).ConfigureAwait(false);
        if (scope.Kind == ConfigScopeKind.Gateway && gateways.All(g => g.id != scope.Value))
            throw new StoreValidationException($"gateway '{scope.Value}' is not registered");
        if (scope.Kind == ConfigScopeKind.Lab && await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "SELECT kind FROM organization WHERE id = @id", new { id = scope.Value }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false) != "lab")
            throw new StoreValidationException($"lab '{scope.Value}' is not a registered lab organization");
        var latest = await c.QuerySingleOrDefaultAsync<LayerRow>(new CommandDefinition(
            "SELECT scope_kind, scope_value, revision, document, changed_at, changed_by FROM config_layer WHERE scope_kind = @k AND scope_value = @v ORDER BY revision DESC LIMIT 1",
            new { k = scope.KindText, v = scope.Value }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (latest is not null && latest.document == canonical) return new LayerChange(scope, latest.revision, false, []);
        var now = Ms(time.GetUtcNow());
        var revision = (latest?.revision ?? 0) + 1;
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO config_layer(scope_kind, scope_value, revision, document, changed_at, changed_by) VALUES (@k, @v, @revision, @document, @now, @actor)",
            new { k = scope.KindText, v = scope.Value, revision, document = canonical, now, actor }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var auditOrg = scope.Kind switch
        {
            ConfigScopeKind.Lab => scope.Value,
            ConfigScopeKind.Gateway => gateways.First(g => g.id == scope.Value).lab_id,
            _ => "region",
        };
        await AuditAsync(c, tx, now, actor, auditOrg, "config-set", "ConfigLayer", scope.ToString(), cancellationToken).ConfigureAwait(false);
        var versions = new List<DesiredVersion>();
        var layers = await LoadLatestLayersAsync(c, tx, cancellationToken).ConfigureAwait(false);
        foreach (var gateway in gateways.Where(g => Matches(g, scope)))
        {
            if (await RecomputeAsync(c, tx, gateway, layers, actor, now, cancellationToken).ConfigureAwait(false) is { } v) versions.Add(v);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new LayerChange(scope, revision, true, versions);
    }

    /// <summary>Sets a gateway's box model and labels (the groups layers match on) and recomputes its document.</summary>
    public async Task<DesiredVersion?> SetGroupsAsync(string gatewayId, GatewayGroups groups, string actor, CancellationToken cancellationToken = default)
    {
        var model = groups.BoxModel is { Length: > 0 } m ? ConfigScope.Parse("model", m).Value : null;
        var labels = groups.Labels.Select(l => ConfigScope.Parse("label", l).Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var updated = await c.ExecuteAsync(new CommandDefinition("UPDATE gateway SET box_model = @model, labels = @labels WHERE id = @id",
            new { id = gatewayId, model, labels = labels.Count == 0 ? null : string.Join(' ', labels) }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (updated == 0) throw new StoreValidationException($"gateway '{gatewayId}' is not registered");
        var gateway = (await LoadGatewaysAsync(c, tx, cancellationToken).ConfigureAwait(false)).First(g => g.id == gatewayId);
        var now = Ms(time.GetUtcNow());
        await AuditAsync(c, tx, now, actor, gateway.lab_id, "set-groups", "Gateway", gatewayId, cancellationToken).ConfigureAwait(false);
        var version = await RecomputeAsync(c, tx, gateway, await LoadLatestLayersAsync(c, tx, cancellationToken).ConfigureAwait(false), actor, now, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return version;
    }

    public async Task<ConfigLayer?> GetLayerAsync(ConfigScope scope, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<LayerRow>(new CommandDefinition(
            "SELECT scope_kind, scope_value, revision, document, changed_at, changed_by FROM config_layer WHERE scope_kind = @k AND scope_value = @v ORDER BY revision DESC LIMIT 1",
            new { k = scope.KindText, v = scope.Value }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToLayer();
    }

    public async Task<IReadOnlyList<ConfigLayer>> ListLayersAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await LoadLatestLayersAsync(c, null, cancellationToken).ConfigureAwait(false)).Select(r => r.ToLayer()).ToList();
    }

    public async Task<GatewayConfigState?> GetStateAsync(string gatewayId, CancellationToken cancellationToken = default) =>
        (await ListStatesAsync(gatewayId, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>Every gateway's (or one's) desired and reported configuration version.</summary>
    public async Task<IReadOnlyList<GatewayConfigState>> ListStatesAsync(string? gatewayId = null, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var gateways = (await LoadGatewaysAsync(c, null, cancellationToken).ConfigureAwait(false)).Where(g => gatewayId is null || g.id == gatewayId).ToList();
        var desired = (await c.QueryAsync<DesiredRow>(new CommandDefinition(
            "SELECT d.gateway_id, d.version, d.document, d.layers, p.published_version, p.published_at FROM gateway_desired_config d " +
            "LEFT JOIN gateway_config_publication p ON p.gateway_id = d.gateway_id " +
            "WHERE d.version = (SELECT MAX(x.version) FROM gateway_desired_config x WHERE x.gateway_id = d.gateway_id)" + (gatewayId is null ? "" : " AND d.gateway_id = @id"),
            new { id = gatewayId }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToDictionary(r => r.gateway_id, StringComparer.Ordinal);
        var result = new List<GatewayConfigState>();
        foreach (var g in gateways)
        {
            desired.TryGetValue(g.id, out var d);
            string? rejection = null;
            if (gatewayId is not null)
                rejection = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                    "SELECT text FROM gateway_event WHERE gateway_id = @id AND type = 'config-rejected' ORDER BY id DESC LIMIT 1",
                    new { id = g.id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            result.Add(new GatewayConfigState(g.id, d?.version, d is null ? null : JsonNode.Parse(d.document)!.AsObject(),
                d is null ? [] : d.layers.Split(' ', StringSplitOptions.RemoveEmptyEntries), d?.published_version, Time(d?.published_at),
                ReportedVersion(g.last_status_json), Time(g.last_status_at), rejection, g.Groups));
        }
        return result;
    }

    /// <summary>One kept version of a gateway's desired document (for <c>config diff</c>), or null.</summary>
    public async Task<JsonObject?> GetVersionAsync(string gatewayId, long version, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var doc = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT document FROM gateway_desired_config WHERE gateway_id = @id AND version = @version", new { id = gatewayId, version }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return doc is null ? null : JsonNode.Parse(doc)!.AsObject();
    }

    /// <summary>Gateways whose latest desired version is not yet published (the grains' sweep).</summary>
    public async Task<IReadOnlyList<string>> ListUnpublishedAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT gateway_id FROM gateway_config_publication WHERE published_version IS NULL OR published_version < desired_version ORDER BY gateway_id",
            cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
    }

    /// <summary>The latest desired version and its document, as the grain publishes it.</summary>
    public async Task<(long Version, string Document)?> GetLatestAsync(string gatewayId, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<DesiredRow>(new CommandDefinition(
            "SELECT gateway_id, version, document, layers FROM gateway_desired_config WHERE gateway_id = @id ORDER BY version DESC LIMIT 1",
            new { id = gatewayId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? null : (row.version, row.document);
    }

    /// <summary>Records that <paramref name="version"/> was published retained; never moves the mark backwards.</summary>
    public async Task MarkPublishedAsync(string gatewayId, long version, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE gateway_config_publication SET published_version = @version, published_at = @now WHERE gateway_id = @id AND (published_version IS NULL OR published_version < @version)",
            new { id = gatewayId, version, now = Ms(time.GetUtcNow()) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    internal static async Task<DesiredVersion?> RecomputeAsync(
        DbConnection c, DbTransaction tx, GatewayRow gateway, IReadOnlyList<LayerRow> layers, string actor, long now, CancellationToken ct)
    {
        // A rollout's pin (migration 0110) stands in for the layer's latest revision on this gateway: the new document
        // while its wave runs, the previous one (or none) after it was rolled back.
        var pins = (await c.QueryAsync<PinRow>(new CommandDefinition(
            "SELECT scope_kind, scope_value, document, rollout_id FROM config_layer_pin WHERE gateway_id = @id", new { id = gateway.id }, tx, cancellationToken: ct)).ConfigureAwait(false)).ToList();
        if (pins.Count > 0)
        {
            layers = layers.Where(l => !pins.Any(p => p.scope_kind == l.scope_kind && p.scope_value == l.scope_value))
                .Concat(pins.Where(p => p.document is not null).Select(p => new LayerRow { scope_kind = p.scope_kind, scope_value = p.scope_value, document = p.document!, pin = p.rollout_id }))
                .ToList();
        }
        var applying = ConfigLayers.InPrecedenceOrder(layers.Where(l => Matches(gateway, l.Scope)), l => l.Scope).ToList();
        if (applying.Count == 0) return null;
        var document = ConfigLayers.Merge(gateway.id, applying.Select(l => JsonNode.Parse(l.document)!.AsObject()));
        var canonical = ConfigLayers.Canonical(document);
        var sha = ConfigLayers.Sha256(canonical);
        var last = await c.QuerySingleOrDefaultAsync<DesiredRow>(new CommandDefinition(
            "SELECT gateway_id, version, document, layers, sha256 FROM gateway_desired_config WHERE gateway_id = @id ORDER BY version DESC LIMIT 1",
            new { id = gateway.id }, tx, cancellationToken: ct)).ConfigureAwait(false);
        if (last?.sha256 == sha) return null;
        var version = Math.Max(last?.version ?? 0, ReportedVersion(gateway.last_status_json) ?? 0) + 1;
        var layerNames = string.Join(' ', applying.Select(l => l.pin is null ? $"{l.Scope}#{l.revision}" : $"{l.Scope}@rollout:{l.pin}"));
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO gateway_desired_config(gateway_id, version, document, sha256, layers, created_at) VALUES (@id, @version, @canonical, @sha, @layerNames, @now)",
            new { id = gateway.id, version, canonical, sha, layerNames, now }, tx, cancellationToken: ct)).ConfigureAwait(false);
        var updated = await c.ExecuteAsync(new CommandDefinition("UPDATE gateway_config_publication SET desired_version = @version WHERE gateway_id = @id",
            new { id = gateway.id, version }, tx, cancellationToken: ct)).ConfigureAwait(false);
        if (updated == 0)
            await c.ExecuteAsync(new CommandDefinition("INSERT INTO gateway_config_publication(gateway_id, desired_version) VALUES (@id, @version)",
                new { id = gateway.id, version }, tx, cancellationToken: ct)).ConfigureAwait(false);
        await AuditAsync(c, tx, now, actor, gateway.lab_id, "config-desired", "Gateway", gateway.id, ct).ConfigureAwait(false);
        return new DesiredVersion(gateway.id, version);
    }

    internal static bool Matches(GatewayRow g, ConfigScope scope) => scope.Kind switch
    {
        ConfigScopeKind.Facility => g.facility == scope.Value,
        ConfigScopeKind.Lab => g.lab_id == scope.Value,
        ConfigScopeKind.Model => g.box_model == scope.Value,
        ConfigScopeKind.Label => g.Groups.Labels.Contains(scope.Value, StringComparer.Ordinal),
        _ => g.id == scope.Value,
    };

    /// <summary>The <c>configVersion</c> of the gateway's last retained status (StatusMessage, camelCase wire JSON).</summary>
    internal static long? ReportedVersion(string? statusJson)
    {
        if (statusJson is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(statusJson);
            return doc.RootElement.TryGetProperty("configVersion", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static async Task<List<GatewayRow>> LoadGatewaysAsync(DbConnection c, DbTransaction? tx, CancellationToken ct) =>
        (await c.QueryAsync<GatewayRow>(new CommandDefinition(
            "SELECT id, lab_id, facility, box_model, labels, last_status_json, last_status_at FROM gateway ORDER BY id", transaction: tx, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    internal static async Task<IReadOnlyList<LayerRow>> LoadLatestLayersAsync(DbConnection c, DbTransaction? tx, CancellationToken ct) =>
        (await c.QueryAsync<LayerRow>(new CommandDefinition(
            "SELECT l.scope_kind, l.scope_value, l.revision, l.document, l.changed_at, l.changed_by FROM config_layer l " +
            "WHERE l.revision = (SELECT MAX(m.revision) FROM config_layer m WHERE m.scope_kind = l.scope_kind AND m.scope_value = l.scope_value) " +
            "ORDER BY l.scope_kind, l.scope_value", transaction: tx, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    internal static Task AuditAsync(DbConnection c, DbTransaction tx, long at, string actor, string org, string action, string type, string id, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_entry(at, client_id, org_id, action, resource_type, resource_id, status_code) VALUES (@at, @actor, @org, @action, @type, @id, 200)",
            new { at, actor, org, action, type, id }, tx, cancellationToken: ct));

    internal sealed class GatewayRow
    {
        public string id { get; set; } = "";
        public string lab_id { get; set; } = "";
        public string? facility { get; set; }
        public string? box_model { get; set; }
        public string? labels { get; set; }
        public string? last_status_json { get; set; }
        public long? last_status_at { get; set; }

        public GatewayGroups Groups => new(box_model, (labels ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    internal sealed class LayerRow
    {
        /// <summary>The rollout whose pin this is; null for a stored revision.</summary>
        public string? pin { get; set; }

        public string scope_kind { get; set; } = "";
        public string scope_value { get; set; } = "";
        public long revision { get; set; }
        public string document { get; set; } = "";
        public long changed_at { get; set; }
        public string changed_by { get; set; } = "";

        public ConfigScope Scope => ConfigScope.Parse(scope_kind, scope_value);

        public ConfigLayer ToLayer() => new(Scope, revision, JsonNode.Parse(document)!.AsObject(), Time(changed_at), changed_by);
    }

    private sealed class PinRow
    {
        public string scope_kind { get; set; } = "";
        public string scope_value { get; set; } = "";
        public string? document { get; set; }
        public string rollout_id { get; set; } = "";
    }

    private sealed class DesiredRow
    {
        public string gateway_id { get; set; } = "";
        public long version { get; set; }
        public string document { get; set; } = "";
        public string layers { get; set; } = "";
        public string? sha256 { get; set; }
        public long? published_version { get; set; }
        public long? published_at { get; set; }
    }
}
