using System.Data.Common;
using System.Text.Json;
using Dapper;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Linking;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

/// <summary>The rarer parts of a batch plan, in portable SQL: specimen status, held items, quarantine, provenance violations, events, status, notifications.</summary>
public static class PlanWriter
{
    public static async Task WriteRestAsync(DbConnection c, DbTransaction tx, Store.DatabaseDialect dialect, BatchPlan plan, DateTimeOffset now, CancellationToken ct)
    {
        var nowMs = Ms(now);
        CommandDefinition Cmd(string sql, object? args) => new(sql, args, tx, cancellationToken: ct);
        if (plan.ReceivedSpecimens.Count > 0)
            await c.ExecuteAsync(Cmd($"UPDATE specimen SET status = 'received', last_updated = @now WHERE status = 'issued' AND {Store.SqlLists.In(dialect, "id", "ids")}", new { now = nowMs, ids = plan.ReceivedSpecimens.ToArray() })).ConfigureAwait(false);
        if (plan.Unmatched.Count > 0)
            await c.ExecuteAsync(Cmd(
                "INSERT INTO unmatched_result(reason, message_id, gateway_id, lab_id, instrument_id, profile, sequence, specimen_id, analyzer_code, value, units, flags, reference_range, status, completed_at, received_at) " +
                "VALUES (@reason, @mid, @gw, @lab, @inst, @profile, @seq, @sid, @code, @value, @units, @flags, @range, @status, @completed, @received)",
                plan.Unmatched.Select(u => new
                {
                    reason = u.Item.Reason.ToString(),
                    mid = u.Item.MessageId,
                    gw = u.Item.GatewayId,
                    lab = u.Item.LabId,
                    inst = u.Item.InstrumentId,
                    profile = u.Item.Profile,
                    seq = u.Sequence,
                    sid = u.Item.SpecimenId,
                    code = u.Item.AnalyzerCode,
                    value = u.Item.Value,
                    units = u.Item.Units,
                    flags = List(u.Item.Flags),
                    range = u.Item.ReferenceRange,
                    status = u.Item.Status,
                    completed = Ms(u.Item.CompletedAt),
                    received = Ms(u.Item.ReceivedAt),
                }))).ConfigureAwait(false);
        if (plan.Quarantined.Count > 0)
            await c.ExecuteAsync(Cmd(
                "INSERT INTO quarantine(topic, gateway_id, message_id, reason, detail, payload, payload_length, received_at) VALUES (@topic, @gw, @mid, @reason, @detail, @payload, @len, @at)",
                plan.Quarantined.Select(q => new
                {
                    topic = q.Topic,
                    gw = q.GatewayId,
                    mid = q.MessageId?.ToString(),
                    reason = q.QuarantineReason!.Value.ToString(),
                    detail = q.QuarantineDetail ?? "",
                    payload = q.RawPayload.ToArray(),
                    len = (long)q.RawLength,
                    at = Ms(q.ReceivedAt),
                }))).ConfigureAwait(false);
        if (plan.Violations.Count > 0)
            await c.ExecuteAsync(Cmd(
                "INSERT INTO provenance_violation(gateway_id, gateway_lab_id, message_id, reason, detail, specimen_id, specimen_lab_id, payload, received_at) " +
                "VALUES (@gw, @gwLab, @mid, @reason, @detail, @sid, @sLab, @payload, @at)",
                plan.Violations.Select(v => new
                {
                    gw = v.GatewayId,
                    gwLab = v.GatewayLabId,
                    mid = v.MessageId,
                    reason = v.Reason.ToString(),
                    detail = v.Detail,
                    sid = v.SpecimenId,
                    sLab = v.SpecimenLabId,
                    payload = v.Payload,
                    at = Ms(v.ReceivedAt),
                }))).ConfigureAwait(false);
        if (plan.Events.Count > 0)
            await c.ExecuteAsync(Cmd(
                "INSERT INTO gateway_event(gateway_id, message_id, type, instrument_id, at, text, data_json) VALUES (@gw, @mid, @type, @inst, @at, @text, @data)",
                plan.Events.Select(e => new
                {
                    gw = e.GatewayId,
                    mid = e.MessageId!.Value.ToString(),
                    type = e.Event!.Type,
                    inst = e.Event.InstrumentId,
                    at = Ms(e.Event.At),
                    text = e.Event.Text,
                    data = e.Event.Data.Count == 0 ? null : JsonSerializer.Serialize(e.Event.Data),
                }))).ConfigureAwait(false);
        foreach (var s in plan.Statuses)
        {
            // An online/offline change (issue 12 §6: the console's "since", the timeline, the flapping alert) is recorded
            // before the row moves, under the same "newer status only" rule, so a re-delivered retained status adds nothing.
            await c.ExecuteAsync(Cmd(
                "INSERT INTO gateway_presence(gateway_id, online, at) SELECT id, @online, @at FROM gateway " +
                "WHERE id = @id AND (online IS NULL OR online <> @online) AND (last_status_at IS NULL OR last_status_at <= @at)",
                new { id = s.GatewayId, online = s.Status!.Online ? 1L : 0L, at = Ms(s.Status.At) })).ConfigureAwait(false);
            // Retained status messages are re-delivered on every subscribe; only a newer one replaces the stored one.
            await c.ExecuteAsync(Cmd(
                "UPDATE gateway SET online = @online, last_status_at = @at, last_status_json = @json WHERE id = @id AND (last_status_at IS NULL OR last_status_at <= @at)",
                new { id = s.GatewayId, online = s.Status!.Online ? 1L : 0L, at = Ms(s.Status.At), json = JsonSerializer.Serialize(s.Status, WireJson.Default.StatusMessage) })).ConfigureAwait(false);
        }
        if (plan.Notifications.Count > 0)
            await c.ExecuteAsync(Cmd(
                "INSERT INTO critical_notification(org_id, result_id, patient_id, referral_id, catalog_code, interpretation, created_at, attempts, next_attempt_at, held) " +
                "VALUES (@org, @rid, @pid, @ref, @code, @interp, @now, 0, @now, @held)",
                plan.Notifications.Select(n => new { org = n.OrganizationId, rid = n.ResultId, pid = n.PatientId, @ref = n.ReferralId, code = n.CatalogCode, interp = n.Interpretation, now = nowMs, held = n.Held ? 1L : 0L }))).ConfigureAwait(false);
    }
}
