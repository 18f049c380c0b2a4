using Dapper;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore : IClinicViewStore
{
    public async Task<Page<ClinicReferralSummary>> ListClinicReferralsAsync(AccessScope scope, ClinicReferralQuery query, CancellationToken cancellationToken = default)
    {
        var limit = Limit(query.Count);
        var p = new DynamicParameters();
        var where = "WHERE 1 = 1" + OrderingScope(scope, p);
        if (query.Search?.Trim() is { Length: > 0 } search)
        {
            // A referral id, or the start of the patient's family name (the normalised column patient search uses).
            where += " AND (id = @search OR patient_id IN (SELECT pt.id FROM patient pt WHERE pt.family_norm LIKE @family ESCAPE '\\'))";
            p.Add("search", search);
            p.Add("family", LikePrefix(Norm(search)));
        }
        if (query.ReferralId is not null) { where += " AND id = @rid"; p.Add("rid", query.ReferralId); }
        if (query.Cursor is not null) { where += " AND id < @cursor"; p.Add("cursor", query.Cursor); }
        p.Add("take", limit + 1);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // ix_referral_ordering (ordering_org_id, id) serves the scope and the order.
        var rows = (await c.QueryAsync<ReferralRow>(Cmd($"SELECT {ReferralColumns} FROM referral {where} ORDER BY id DESC LIMIT @take", p, cancellationToken)).ConfigureAwait(false)).AsList();
        var more = rows.Count > limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        if (rows.Count == 0) return new Page<ClinicReferralSummary>([], null);

        var ids = rows.Select(r => r.id).ToArray();
        var received = (await c.QueryAsync<(string Id, long N)>(Cmd(
                $"SELECT s.referral_id, COUNT(*) FROM specimen s JOIN specimen_reception sr ON sr.specimen_id = s.id WHERE {SqlLists.In(database.Dialect, "s.referral_id", "ids")} GROUP BY s.referral_id",
                new { ids }, cancellationToken)).ConfigureAwait(false)).ToDictionary(x => x.Id, x => x.N);
        // Current results through result_current (lab_result has no referral index: ingest speed), released = the
        // rules released it (no hold reasons) or a lab doctor did.
        var results = (await c.QueryAsync<(string Id, long Results, long Released)>(Cmd(
                "SELECT s.referral_id, COUNT(DISTINCT rc.catalog_code), COUNT(DISTINCT CASE WHEN lr.hold_reasons IS NULL OR d.action = @release THEN rc.catalog_code END) " +
                "FROM specimen s JOIN result_current rc ON rc.specimen_id = s.id JOIN lab_result lr ON lr.id = rc.result_id LEFT JOIN result_decision d ON d.result_id = lr.id " +
                $"WHERE {SqlLists.In(database.Dialect, "s.referral_id", "ids")} GROUP BY s.referral_id",
                new { ids, release = Enum(ValidationAction.Release) }, cancellationToken)).ConfigureAwait(false)).ToDictionary(x => x.Id);
        var patients = (await c.QueryAsync<(string Id, string Family, string Given, string? Middle, string Birth)>(Cmd(
                $"SELECT id, family_name, given_name, middle_name, birth_date FROM patient WHERE {SqlLists.In(database.Dialect, "id", "pids")}",
                new { pids = rows.Select(r => r.patient_id).Distinct().ToArray() }, cancellationToken)).ConfigureAwait(false)).ToDictionary(x => x.Id);

        var items = rows.Select(r =>
        {
            var pt = patients.GetValueOrDefault(r.patient_id);
            var counts = results.GetValueOrDefault(r.id);
            return new ClinicReferralSummary
            {
                Referral = r.ToDomain(),
                PatientName = pt.Id is null ? r.patient_id : $"{pt.Family} {pt.Given} {pt.Middle}".TrimEnd(),
                PatientBirthDate = pt.Id is null ? default : Date(pt.Birth),
                TubesReceived = (int)received.GetValueOrDefault(r.id),
                TestsWithResult = (int)counts.Results,
                TestsReleased = (int)counts.Released,
            };
        }).ToList();
        return new Page<ClinicReferralSummary>(items, more ? rows[^1].id : null);
    }
}
