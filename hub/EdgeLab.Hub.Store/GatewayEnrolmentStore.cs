using System.Globalization;
using Dapper;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

/// <summary>The certificate the device CA issued a gateway: serial (hex, as openssl prints it) and expiry.</summary>
public sealed record CertificateStamp(string SerialHex, DateTimeOffset NotAfter);

/// <summary>A gateway to enrol: pending until accepted, or enabled at once when pre-authorised.</summary>
public sealed record GatewayEnrolment(string GatewayId, string LabId, string? Facility, bool PreAuthorised, CertificateStamp Certificate, string Actor);

/// <summary>One row of the registry as regional IT sees it (<c>gateways list</c>, <c>GET /api/gateways</c>).</summary>
public sealed record GatewayRegistryEntry(
    string GatewayId, string LabId, string? Facility, GatewayState State, string? StateReason,
    string? CertificateSerial, DateTimeOffset? CertificateNotAfter, DateTimeOffset? PendingSeenAt, bool? Online, DateTimeOffset? LastStatusAt);

/// <summary>
/// Enrolment and certificates in the gateway registry (migration 0020, issue 12 §1). Every change writes an audit entry
/// (<c>Gateway</c> / <c>enrol|renew</c>) in the same transaction; state changes are <see cref="GatewayStateStore"/>'s.
/// </summary>
public sealed class GatewayEnrolmentStore(IHubDatabase database, TimeProvider time)
{
    /// <summary>The first free <c>{lab}-gwNN</c> (01…99), the naming the deployment guide uses (tomsk-okb-gw01).</summary>
    public async Task<string> NextGatewayIdAsync(string labId, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var taken = (await c.QueryAsync<string>(new CommandDefinition("SELECT id FROM gateway", cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        for (var n = 1; n < 100; n++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{labId}-gw{n:00}");
            if (!taken.Contains(id)) return id;
        }
        throw new StoreValidationException($"lab '{labId}' has 99 gateways; give --id");
    }

    /// <summary>Registers a new gateway; an id already in the registry is refused (a replacement box gets a new id).</summary>
    public async Task EnrolAsync(GatewayEnrolment enrolment, CancellationToken cancellationToken = default)
    {
        if (!Topics.IsValidGatewayId(enrolment.GatewayId))
            throw new StoreValidationException($"gateway id '{enrolment.GatewayId}' is not valid; use 3–64 characters of a-z, 0-9 and '-', e.g. tomsk-okb-gw01");
        var facility = string.IsNullOrWhiteSpace(enrolment.Facility) ? null : enrolment.Facility.Trim();
        if (facility is not null && (facility.Length > 200 || facility.Any(char.IsControl)))
            throw new StoreValidationException("--facility must be one line of at most 200 characters");
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var kind = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT kind FROM organization WHERE id = @lab", new { lab = enrolment.LabId }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false)
            ?? throw new StoreValidationException($"organization '{enrolment.LabId}' does not exist; add it first with 'edgelab-hub organizations add --id {enrolment.LabId} --kind lab --name …'");
        if (kind != "lab")
            throw new StoreValidationException($"organization '{enrolment.LabId}' is a {kind}, not a lab; a gateway serves a lab");
        var exists = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT id FROM gateway WHERE id = @id", new { id = enrolment.GatewayId }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (exists is not null)
            throw new StoreValidationException($"gateway '{enrolment.GatewayId}' is already registered; enrol the box under a new id");
        var now = Ms(time.GetUtcNow());
        var state = enrolment.PreAuthorised ? GatewayState.Enabled : GatewayState.Pending;
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO gateway(id, lab_id, created, state, state_changed, state_reason, facility, cert_serial, cert_not_after) " +
            "VALUES (@id, @lab, @now, @state, @now, @reason, @facility, @serial, @notAfter)",
            new
            {
                id = enrolment.GatewayId,
                lab = enrolment.LabId,
                now,
                state = Enum(state),
                reason = enrolment.PreAuthorised ? "pre-authorised at enrolment" : "enrolled, waiting for acceptance",
                facility,
                serial = enrolment.Certificate.SerialHex,
                notAfter = Ms(enrolment.Certificate.NotAfter),
            }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await AuditAsync(c, tx, now, enrolment.Actor, enrolment.LabId, "enrol", enrolment.GatewayId, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a renewed certificate (issued over MQTT before the old one expired).</summary>
    public async Task RecordCertificateAsync(string gatewayId, CertificateStamp certificate, string actor, CancellationToken cancellationToken = default)
    {
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var lab = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT lab_id FROM gateway WHERE id = @id", new { id = gatewayId }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false)
            ?? throw new StoreValidationException($"gateway '{gatewayId}' is not registered");
        var now = Ms(time.GetUtcNow());
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE gateway SET cert_serial = @serial, cert_not_after = @notAfter WHERE id = @id",
            new { id = gatewayId, serial = certificate.SerialHex, notAfter = Ms(certificate.NotAfter) }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await AuditAsync(c, tx, now, actor, lab, "renew", gatewayId, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<GatewayRegistryEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(Select + " ORDER BY id", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToEntry()).ToList();
    }

    public async Task<GatewayRegistryEntry?> GetAsync(string gatewayId, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select + " WHERE id = @id", new { id = gatewayId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToEntry();
    }

    private const string Select =
        "SELECT id, lab_id, facility, state, state_reason, cert_serial, cert_not_after, pending_seen_at, online, last_status_at FROM gateway";

    private static Task AuditAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, long at, string actor, string lab, string action, string gatewayId, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_entry(at, client_id, org_id, action, resource_type, resource_id, status_code) VALUES (@at, @actor, @org, @action, 'Gateway', @id, 200)",
            new { at, actor, org = lab, action, id = gatewayId }, tx, cancellationToken: ct));

    private sealed class Row
    {
        public string id { get; set; } = "";
        public string lab_id { get; set; } = "";
        public string? facility { get; set; }
        public string state { get; set; } = "";
        public string? state_reason { get; set; }
        public string? cert_serial { get; set; }
        public long? cert_not_after { get; set; }
        public long? pending_seen_at { get; set; }
        public long? online { get; set; }
        public long? last_status_at { get; set; }

        public GatewayRegistryEntry ToEntry() => new(id, lab_id, facility, GatewayStateStore.ParseState(state), state_reason, cert_serial,
            Time(cert_not_after), Time(pending_seen_at), online is null ? null : online != 0, Time(last_status_at));
    }
}
