using Dapper;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore
{
    private const string PatientColumns = "id, managing_org_id, snils, oms_policy, family_name, given_name, middle_name, sex, birth_date, created, last_updated";

    public async Task<Patient?> GetPatientAsync(AccessScope scope, string patientId, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new { id = patientId });
        var sql = $"SELECT {PatientColumns} FROM patient WHERE id = @id{Scope(scope, "id", p)}";
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<PatientRow>(Cmd(sql, p, cancellationToken)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<Page<Patient>> SearchPatientsAsync(AccessScope scope, PatientQuery query, CancellationToken cancellationToken = default)
    {
        var limit = Limit(query.Count);
        var p = new DynamicParameters();
        var where = "WHERE 1 = 1" + Scope(scope, "id", p);
        if (query.Snils is not null) { where += " AND snils = @snils"; p.Add("snils", query.Snils); }
        if (query.OmsPolicy is not null) { where += " AND oms_policy = @oms"; p.Add("oms", query.OmsPolicy); }
        if (query.FamilyName is not null) { where += " AND family_norm LIKE @family ESCAPE '\\'"; p.Add("family", StoreEncoding.LikePrefix(StoreEncoding.Norm(query.FamilyName))); }
        if (query.GivenName is not null) { where += " AND given_norm LIKE @given ESCAPE '\\'"; p.Add("given", StoreEncoding.LikePrefix(StoreEncoding.Norm(query.GivenName))); }
        if (query.BirthDate is { } bd) { where += " AND birth_date = @bd"; p.Add("bd", StoreEncoding.Date(bd)); }
        if (query.Cursor is not null) { where += " AND id < @cursor"; p.Add("cursor", query.Cursor); }
        p.Add("take", limit + 1);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await c.QueryAsync<PatientRow>(Cmd($"SELECT {PatientColumns} FROM patient {where} ORDER BY id DESC LIMIT @take", p, cancellationToken)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => r.id);
    }
}
