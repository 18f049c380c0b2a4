using System.Data.Common;
using Dapper;
using EdgeLab.Hub.Catalog;

namespace EdgeLab.Hub.Store;

/// <summary>
/// The SQL implementation of every store interface, one partial file per concern. SQL is portable between SQLite and
/// PostgreSQL (parameters, <c>ON CONFLICT</c>, <c>LIMIT</c>); the few dialect differences are spelled out where they occur.
/// </summary>
internal sealed partial class HubStore(IHubDatabase database, ITestCatalog catalog, TimeProvider time)
    : IClinicalStore, IReferralStore, IDirectoryStore, IApiClientStore, IAuditStore, IOrderOutboxStore
{
    public const int MaxPageSize = 1000;

    public IHubDatabase Database => database;

    private DateTimeOffset Now => time.GetUtcNow();

    private Task<DbConnection> OpenAsync(CancellationToken ct) => database.OpenAsync(ct);

    /// <summary>
    /// <c>AND {column} IN (patients visible to the organization)</c>, or nothing for the region scope.
    /// </summary>
    private static string Scope(AccessScope scope, string patientColumn, DynamicParameters p)
    {
        if (scope.IsRegion) return "";
        p.Add("scope_org", scope.OrganizationId);
        return $" AND {patientColumn} IN (SELECT patient_id FROM patient_access WHERE org_id = @scope_org)";
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
