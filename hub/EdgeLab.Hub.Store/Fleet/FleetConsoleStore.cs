using System.Data.Common;
using System.Text.Json;
using Dapper;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store.Fleet;

/// <summary>
/// One gateway as the fleet console shows it (issue 12 §6): registry, enrolment, the last retained status (parsed), the
/// last online/offline change, desired configuration, certificate and open alerts.
/// </summary>
public sealed record FleetGateway(
    string Id, string LabId, string LabName, string? Facility, GatewayState State, DateTimeOffset? PendingSeenAt,
    StatusMessage? Status, DateTimeOffset? LastStatusAt, bool? Online, DateTimeOffset? PresenceSince,
    long? DesiredConfigVersion, string? AssignedVersion, DateTimeOffset? CertNotAfter, IReadOnlyList<FleetAlert> OpenAlerts)
{
    public long? ReportedConfigVersion => Status?.ConfigVersion;

    /// <summary>Drift (issue 12 §2): a desired version exists and the gateway reports another one (or none).</summary>
    public bool ConfigDrift => DesiredConfigVersion is { } d && ReportedConfigVersion != d;

    /// <summary>Version installed differs from the one a rollout assigned.</summary>
    public bool VersionDrift => AssignedVersion is { } a && Status?.Version != a;
}

/// <summary>
/// The fleet console's reads. The whole fleet is read in four queries (gateways with lab and desired version, last
/// presence change, open alerts) and filtered, sorted and paged in memory: a region has hundreds to a few thousand
/// gateways, the status is a JSON document that neither database should parse per request, and the same code then
/// answers the same on SQLite and PostgreSQL.
/// </summary>
public sealed class FleetConsoleStore(IHubDatabase database)
{
    public async Task<IReadOnlyList<FleetGateway>> ListAsync(CancellationToken cancellationToken = default) =>
        await LoadAsync(null, cancellationToken).ConfigureAwait(false);

    public async Task<FleetGateway?> GetAsync(string gatewayId, CancellationToken cancellationToken = default) =>
        (await LoadAsync(gatewayId, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>How many times each gateway went offline at or after <paramref name="since"/> (the flapping alert).</summary>
    public async Task<IReadOnlyDictionary<string, int>> OfflineChangesSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<(string, long)>(new CommandDefinition(
                "SELECT gateway_id, COUNT(*) FROM gateway_presence WHERE online = 0 AND at >= @since GROUP BY gateway_id", new { since = Ms(since) }, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(r => r.Item1, r => (int)r.Item2, StringComparer.Ordinal);
    }

    private async Task<List<FleetGateway>> LoadAsync(string? gatewayId, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        var one = gatewayId is null ? "" : " WHERE g.id = @id";
        var rows = (await c.QueryAsync<Row>(new CommandDefinition(
            "SELECT g.id, g.lab_id, o.name AS lab_name, g.facility, g.state, g.pending_seen_at, g.online, g.last_status_at, g.last_status_json, " +
            "g.cert_not_after, p.desired_version, d.document AS desired_document FROM gateway g " +
            "LEFT JOIN organization o ON o.id = g.lab_id LEFT JOIN gateway_config_publication p ON p.gateway_id = g.id " +
            "LEFT JOIN gateway_desired_config d ON d.gateway_id = g.id AND d.version = p.desired_version" + one + " ORDER BY g.id",
            new { id = gatewayId }, cancellationToken: ct)).ConfigureAwait(false)).AsList();
        var since = (await c.QueryAsync<(string, long)>(new CommandDefinition(
            "SELECT gateway_id, MAX(at) FROM gateway_presence" + (gatewayId is null ? "" : " WHERE gateway_id = @id") + " GROUP BY gateway_id",
            new { id = gatewayId }, cancellationToken: ct)).ConfigureAwait(false)).ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
        var alerts = (await FleetAlertStore.QueryAlertsAsync(c, "a.cleared_at IS NULL" + (gatewayId is null ? "" : " AND a.gateway_id = @id"), new { id = gatewayId }, ct).ConfigureAwait(false))
            .ToLookup(a => a.GatewayId, StringComparer.Ordinal);
        return rows.Select(r => new FleetGateway(
            r.id, r.lab_id, r.lab_name ?? r.lab_id, r.facility, GatewayStateStore.ParseState(r.state), Time(r.pending_seen_at),
            ParseStatus(r.last_status_json), Time(r.last_status_at), r.online is { } o ? o != 0 : null,
            since.TryGetValue(r.id, out var s) ? Time(s) : null, r.desired_version, AssignedVersion(r.desired_document), Time(r.cert_not_after),
            alerts[r.id].ToList())).ToList();
    }

    /// <summary>
    /// What a gateway's timeline shows, newest first: presence changes, events (link up/down, config applied or
    /// rejected…), desired configuration versions, commands and their outcome, enrolment and registry decisions from
    /// the audit trail, alerts raised, acknowledged and cleared. Ids, states and operator text only — no patient data
    /// (tube scans show as a type without their specimen).
    /// </summary>
    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(string gatewayId, int count = 200, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var p = new { id = gatewayId, take = (long)count };
        var entries = new List<TimelineEntry>();
        foreach (var (online, at) in await Q<(long, long)>(c, "SELECT online, at FROM gateway_presence WHERE gateway_id = @id ORDER BY at DESC LIMIT @take", p, cancellationToken).ConfigureAwait(false))
            entries.Add(new(Time(at), online != 0 ? TimelineKind.Online : TimelineKind.Offline, null, null));
        foreach (var (type, instrument, at, text) in await Q<(string, string?, long, string?)>(c,
                     "SELECT type, instrument_id, at, text FROM gateway_event WHERE gateway_id = @id ORDER BY id DESC LIMIT @take", p, cancellationToken).ConfigureAwait(false))
            entries.Add(new(Time(at), TimelineKind.Event, type, EventText(type, instrument, text)));
        foreach (var (version, at) in await Q<(long, long)>(c,
                     "SELECT version, created_at FROM gateway_desired_config WHERE gateway_id = @id ORDER BY version DESC LIMIT @take", p, cancellationToken).ConfigureAwait(false))
            entries.Add(new(Time(at), TimelineKind.ConfigDesired, version.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
        foreach (var (version, at) in await Q<(long, long)>(c,
                     "SELECT published_version, published_at FROM gateway_config_publication WHERE gateway_id = @id AND published_at IS NOT NULL", p, cancellationToken).ConfigureAwait(false))
            entries.Add(new(Time(at), TimelineKind.ConfigPublished, version.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
        foreach (var (name, state, requested, by, finished, reply) in await Q<(string, string, long, string, long?, string?)>(c,
                     "SELECT name, state, requested_at, requested_by, finished_at, reply_text FROM gateway_command WHERE gateway_id = @id ORDER BY requested_at DESC LIMIT @take", p, cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new(Time(requested), TimelineKind.CommandRequested, name, by));
            if (finished is { } f) entries.Add(new(Time(f), TimelineKind.CommandFinished, name, state + (reply is null || name == CommandNames.FetchLogs ? "" : ": " + Clip(reply))));
        }
        foreach (var (action, actor, at, status) in await Q<(string, string, long, long)>(c,
                     "SELECT action, client_id, at, status_code FROM audit_entry WHERE resource_type = 'Gateway' AND resource_id = @id " +
                     "AND action IN ('enrol', 'accept', 'reject', 'enable', 'disable', 'revoke', 'connect-pending', 'renew-certificate') ORDER BY id DESC LIMIT @take", p, cancellationToken).ConfigureAwait(false))
            entries.Add(new(Time(at), TimelineKind.Registry, action, actor + (status >= 400 ? $" ({status})" : "")));
        foreach (var a in await FleetAlertStore.QueryAlertsAsync(c, "a.gateway_id = @id", p, cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new(a.RaisedAt, TimelineKind.AlertRaised, a.Kind.Text(), a.Detail));
            if (a.AcknowledgedAt is { } ack) entries.Add(new(ack, TimelineKind.AlertAcknowledged, a.Kind.Text(), a.AcknowledgedBy));
            if (a.ClearedAt is { } cleared) entries.Add(new(cleared, TimelineKind.AlertCleared, a.Kind.Text(), a.Subject.Length == 0 ? null : a.Subject));
        }
        return entries.OrderByDescending(e => e.At).ThenBy(e => e.Kind).Take(count).ToList();
    }

    private static async Task<IEnumerable<T>> Q<T>(DbConnection c, string sql, object p, CancellationToken ct) =>
        await c.QueryAsync<T>(new CommandDefinition(sql, p, cancellationToken: ct)).ConfigureAwait(false);

    private static string? EventText(string type, string? instrument, string? text) => type switch
    {
        // A tube scan's text names a specimen; the timeline is about the box, not the tubes.
        "tube-scan" or "quarantined" => instrument,
        _ => string.Join(" — ", new[] { instrument, text is null ? null : Clip(text) }.Where(s => !string.IsNullOrEmpty(s))),
    };

    private static string Clip(string text) => text.Length > 200 ? text[..200] + "…" : text;

    internal static StatusMessage? ParseStatus(string? json)
    {
        if (json is null) return null;
        try
        {
            return JsonSerializer.Deserialize(json, WireJson.Default.StatusMessage);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The application version a rollout assigned: <c>update.version</c> of the desired document (the seam where the
    /// rollouts' application update puts it); null when none is assigned.
    /// </summary>
    internal static string? AssignedVersion(string? desiredDocument)
    {
        if (desiredDocument is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(desiredDocument);
            return doc.RootElement.TryGetProperty("update", out var u) && u.ValueKind == JsonValueKind.Object
                && u.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed class Row
    {
        public string id { get; set; } = "";
        public string lab_id { get; set; } = "";
        public string? lab_name { get; set; }
        public string? facility { get; set; }
        public string state { get; set; } = "enabled";
        public long? pending_seen_at { get; set; }
        public long? online { get; set; }
        public long? last_status_at { get; set; }
        public string? last_status_json { get; set; }
        public long? cert_not_after { get; set; }
        public long? desired_version { get; set; }
        public string? desired_document { get; set; }
    }
}

public enum TimelineKind
{
    Online,
    Offline,
    Event,
    ConfigDesired,
    /// <summary>The latest desired version published retained on <c>…/config</c> (what the gateway reports comes back as its config-applied or config-rejected event).</summary>
    ConfigPublished,
    CommandRequested,
    CommandFinished,
    Registry,
    AlertRaised,
    AlertAcknowledged,
    AlertCleared,
}

/// <summary>One line of a gateway's timeline: when, what kind, a short code (event type, command, version…) and a note.</summary>
public sealed record TimelineEntry(DateTimeOffset? At, TimelineKind Kind, string? Code, string? Note);
