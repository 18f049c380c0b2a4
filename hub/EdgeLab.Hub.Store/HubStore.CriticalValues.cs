using Dapper;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

/// <summary>
/// The critical-value board (issue 13): every critical_notification row is a critical value someone at the lab must
/// phone through to the ordering clinic; it stays on the board until acknowledged (who informed whom, when, read back),
/// and is escalated once when left unacknowledged too long. The webhook (<c>Ingest/NotificationDelivery</c>) is separate
/// and stays.
/// </summary>
public sealed partial class HubStore
{
    private const string NotificationColumns =
        "n.id, n.org_id, n.result_id, n.patient_id, n.referral_id, n.catalog_code, n.interpretation, n.created_at, n.attempts, n.next_attempt_at, " +
        "n.delivered_at, n.last_error, n.held, n.escalated_at, n.ack_recorded_by, n.ack_informed_by, n.ack_informed_whom, n.ack_informed_at, n.ack_read_back, n.ack_recorded_at";

    /// <summary>On the board: unacknowledged, and the result not rejected nor sent for a rerun (a rerun's own critical value takes its place).</summary>
    private const string OnBoard =
        "n.ack_recorded_at IS NULL AND NOT EXISTS (SELECT 1 FROM result_decision d WHERE d.result_id = n.result_id AND d.action <> 'release')";

    public async Task<IReadOnlyList<CriticalBoardItem>> ListCriticalBoardAsync(AccessScope scope, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters();
        var where = OnBoard + (scope.IsRegion ? "" : " AND EXISTS (SELECT 1 FROM lab_result r WHERE r.id = n.result_id" + LabScope(scope, p) + ")");
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<CriticalRow>(Cmd(
            $"SELECT {NotificationColumns}, o.name AS org_name, o.phone AS org_phone, ref.practitioner_name " +
            "FROM critical_notification n LEFT JOIN organization o ON o.id = n.org_id LEFT JOIN referral ref ON ref.id = n.referral_id " +
            $"WHERE {where} ORDER BY n.created_at, n.id LIMIT {MaxPageSize}", p, cancellationToken)).ConfigureAwait(false)).AsList();
        if (rows.Count == 0) return [];
        var results = (await c.QueryAsync<ResultRow>(Cmd($"SELECT {ResultColumns} FROM lab_result r WHERE {SqlLists.In(database.Dialect, "r.id", "ids")}",
            new { ids = rows.Select(r => r.result_id).ToArray() }, cancellationToken)).ConfigureAwait(false)).ToDictionary(r => r.id, r => r.ToDomain());
        return rows.Where(r => results.ContainsKey(r.result_id)).Select(r => new CriticalBoardItem
        {
            Notification = r.ToDomain(),
            Result = results[r.result_id],
            OrderingOrganizationName = r.org_name ?? r.org_id,
            OrderingOrganizationPhone = r.org_phone,
            PractitionerName = r.practitioner_name,
        }).ToList();
    }

    public async Task<bool> AcknowledgeCriticalAsync(AccessScope scope, long notificationId, CriticalAcknowledgement acknowledgement, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new
        {
            id = notificationId,
            by = acknowledgement.RecordedBy,
            informedBy = acknowledgement.InformedBy,
            whom = acknowledgement.InformedWhom,
            at = Ms(acknowledgement.InformedAt),
            readBack = acknowledgement.ReadBackConfirmed ? 1L : 0L,
            recorded = Ms(acknowledgement.RecordedAt),
        });
        var scoped = scope.IsRegion ? "" : " AND EXISTS (SELECT 1 FROM lab_result r WHERE r.id = critical_notification.result_id" + LabScope(scope, p) + ")";
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // ack_recorded_at IS NULL: the first acknowledgement stands; a second one (two people, one call) changes nothing.
        var changed = await c.ExecuteAsync(Cmd(
            "UPDATE critical_notification SET ack_recorded_by = @by, ack_informed_by = @informedBy, ack_informed_whom = @whom, ack_informed_at = @at, " +
            $"ack_read_back = @readBack, ack_recorded_at = @recorded WHERE id = @id AND ack_recorded_at IS NULL{scoped}", p, cancellationToken)).ConfigureAwait(false);
        return changed == 1;
    }

    public async Task<IReadOnlyList<CriticalNotification>> EscalateDueAsync(string? orderingOrganizationId, TimeSpan after, CancellationToken cancellationToken = default)
    {
        var now = Now;
        var p = new { org = orderingOrganizationId, due = Ms(now - after), now = Ms(now) };
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var due = (await c.QueryAsync<CriticalRow>(Cmd(
            $"SELECT {NotificationColumns}, NULL AS org_name, NULL AS org_phone, NULL AS practitioner_name FROM critical_notification n " +
            $"WHERE {OnBoard} AND n.escalated_at IS NULL AND n.created_at <= @due AND (@org IS NULL OR n.org_id = @org) ORDER BY n.id LIMIT {MaxPageSize}",
            p, cancellationToken, tx)).ConfigureAwait(false)).AsList();
        var escalated = new List<CriticalNotification>();
        foreach (var row in due)
        {
            // escalated_at IS NULL: two activations (or nodes) escalate a value once.
            var changed = await c.ExecuteAsync(Cmd("UPDATE critical_notification SET escalated_at = @now WHERE id = @id AND escalated_at IS NULL AND ack_recorded_at IS NULL",
                new { id = row.id, now = Ms(now) }, cancellationToken, tx)).ConfigureAwait(false);
            if (changed == 1) escalated.Add(row.ToDomain() with { EscalatedAt = now });
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return escalated;
    }

    public async Task<DateTimeOffset?> NextEscalationAsync(string orderingOrganizationId, TimeSpan after, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var first = await c.ExecuteScalarAsync<long?>(Cmd(
            $"SELECT MIN(n.created_at) FROM critical_notification n WHERE {OnBoard} AND n.escalated_at IS NULL AND n.org_id = @org",
            new { org = orderingOrganizationId }, cancellationToken)).ConfigureAwait(false);
        return first is { } ms ? Time(ms) + after : null;
    }

    /// <summary>The organizations with a critical value due for escalation now (the sweep wakes their grains).</summary>
    public async Task<IReadOnlyList<string>> OrganizationsDueForEscalationAsync(TimeSpan after, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<string>(Cmd(
            $"SELECT DISTINCT n.org_id FROM critical_notification n WHERE {OnBoard} AND n.escalated_at IS NULL AND n.created_at <= @due",
            new { due = Ms(Now - after) }, cancellationToken)).ConfigureAwait(false)).AsList();
    }

    private sealed class CriticalRow
    {
        public long id { get; set; }
        public string org_id { get; set; } = "";
        public long result_id { get; set; }
        public string patient_id { get; set; } = "";
        public string referral_id { get; set; } = "";
        public string catalog_code { get; set; } = "";
        public string interpretation { get; set; } = "";
        public long created_at { get; set; }
        public long attempts { get; set; }
        public long next_attempt_at { get; set; }
        public long? delivered_at { get; set; }
        public string? last_error { get; set; }
        public long held { get; set; }
        public long? escalated_at { get; set; }
        public string? ack_recorded_by { get; set; }
        public string? ack_informed_by { get; set; }
        public string? ack_informed_whom { get; set; }
        public long? ack_informed_at { get; set; }
        public long? ack_read_back { get; set; }
        public long? ack_recorded_at { get; set; }
        public string? org_name { get; set; }
        public string? org_phone { get; set; }
        public string? practitioner_name { get; set; }

        public CriticalNotification ToDomain() => new()
        {
            Id = id,
            OrganizationId = org_id,
            ResultId = result_id,
            PatientId = patient_id,
            ReferralId = referral_id,
            CatalogCode = catalog_code,
            Interpretation = interpretation,
            CreatedAt = Time(created_at),
            Attempts = (int)attempts,
            NextAttemptAt = Time(next_attempt_at),
            DeliveredAt = Time(delivered_at),
            LastError = last_error,
            Held = held != 0,
            EscalatedAt = Time(escalated_at),
            Acknowledgement = ack_recorded_at is { } recorded
                ? new CriticalAcknowledgement
                {
                    RecordedBy = ack_recorded_by ?? "",
                    InformedBy = ack_informed_by ?? "",
                    InformedWhom = ack_informed_whom ?? "",
                    InformedAt = Time(ack_informed_at ?? recorded),
                    ReadBackConfirmed = ack_read_back == 1,
                    RecordedAt = Time(recorded),
                }
                : null,
        };
    }
}
