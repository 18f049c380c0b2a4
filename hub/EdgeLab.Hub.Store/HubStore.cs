using System.Data.Common;
using Dapper;
using EdgeLab.Hub.Catalog;

namespace EdgeLab.Hub.Store;

/// <summary>
/// The SQL implementation of every store interface, one partial file per concern. SQL is portable between SQLite and
/// PostgreSQL (parameters, <c>ON CONFLICT</c>, <c>LIMIT</c>); the few dialect differences are spelled out where they occur.
/// </summary>
public sealed partial class HubStore(IHubDatabase database, ITestCatalog catalog, TimeProvider time)
    : IClinicalStore, IReferralStore, IDirectoryStore, IApiClientStore, IAuditStore, IOrderOutboxStore
{
    public const int MaxPageSize = 1000;

    public IHubDatabase Database => database;

    private DateTimeOffset Now => time.GetUtcNow();

    private Task<DbConnection> OpenAsync(CancellationToken ct) => database.OpenAsync(ct);

    /// <summary>
    /// Patient reads only: <c>AND {column} IN (patients visible to the organization)</c> — it manages them or has a
    /// referral for them (ordering or performing) — or nothing for the region scope. Never used for referrals,
    /// specimens or results: sight of a patient is not sight of the patient's other referrals.
    /// </summary>
    private static string Scope(AccessScope scope, string patientColumn, DynamicParameters p)
    {
        if (scope.IsRegion) return "";
        p.Add("scope_org", scope.OrganizationId);
        return $" AND {patientColumn} IN (SELECT patient_id FROM patient_access WHERE org_id = @scope_org)";
    }

    /// <summary>
    /// Referrals, specimens and what hangs on them: <c>AND</c> the referral <paramref name="referralIdColumn"/> was placed
    /// or is performed by the organization (issue 9: registering a referral never grants sight of the patient's other
    /// referrals). A primary-key probe of <c>referral</c> per row.
    /// </summary>
    private static string ReferralScope(AccessScope scope, string referralIdColumn, DynamicParameters p)
    {
        if (scope.IsRegion) return "";
        p.Add("scope_org", scope.OrganizationId);
        return $" AND EXISTS (SELECT 1 FROM referral sr WHERE sr.id = {referralIdColumn} AND (sr.ordering_org_id = @scope_org OR sr.performing_lab_id = @scope_org))";
    }

    /// <summary>Results: those of the organization's referrals (as <see cref="ReferralScope"/>) and those its own lab produced (a specimen sent on to it).</summary>
    private static string ResultScope(AccessScope scope, DynamicParameters p)
    {
        if (scope.IsRegion) return "";
        return " AND (r.lab_id = @scope_org OR" + ReferralScope(scope, "r.referral_id", p)[" AND".Length..] + ")";
    }

    /// <summary>Changes only the ordering organization may make (cancel): <c>AND ordering_org_id = …</c> on the referral table.</summary>
    private static string OrderingScope(AccessScope scope, DynamicParameters p)
    {
        if (scope.IsRegion) return "";
        p.Add("scope_org", scope.OrganizationId);
        return " AND ordering_org_id = @scope_org";
    }

    private static int Limit(int count) => Math.Clamp(count, 1, MaxPageSize);

    private static CommandDefinition Cmd(string sql, object? parameters, CancellationToken ct, DbTransaction? tx = null) =>
        new(sql, parameters, tx, cancellationToken: ct);

    /// <summary>Takes one more row than asked, to know whether a next page exists.</summary>
    private static Page<T> ToPage<TRow, T>(List<TRow> rows, int limit, Func<TRow, T> map, Func<TRow, string> cursor)
    {
        var more = rows.Count > limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new Page<T>(rows.Select(map).ToList(), more ? cursor(rows[^1]) : null);
    }
}
