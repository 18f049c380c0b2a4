using System.Data.Common;
using EdgeLab.Hub.Linking;
using EdgeLab.Hub.Store.Sqlite;
using Microsoft.Data.Sqlite;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

/// <summary>
/// SQLite: the transaction is <c>BEGIN IMMEDIATE</c> (Microsoft.Data.Sqlite's default), so this process holds the
/// database's single write lock for the whole batch; result ids can then be taken from <c>MAX(id)</c> without a race,
/// and prepared single-row inserts run at in-process speed.
/// </summary>
public sealed partial class SqliteResultBulkWriter(Catalog.ITestCatalog catalog) : IResultBulkWriter
{
    public Task<HashSet<string>> ClaimAsync(DbConnection c, DbTransaction tx, IReadOnlyList<(string Id, string? Sha256)> messages, long nowMs, CancellationToken ct)
    {
        var claimed = new HashSet<string>();
        if (messages.Count == 0) return Task.FromResult(claimed);
        using var insert = new SqliteRawStatement((SqliteConnection)c, "INSERT INTO processed_message(message_id, processed_at, payload_sha256) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
        insert.Bind(2, nowMs);
        foreach (var (id, sha) in messages)
        {
            insert.Bind(1, id);
            insert.Bind(3, sha);
            if (insert.Execute() == 1) claimed.Add(id);
        }
        return Task.FromResult(claimed);
    }

    public async Task<Func<long>> ReserveResultIdsAsync(DbConnection c, DbTransaction tx, int count, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT COALESCE(MAX(id), 0) FROM lab_result";
        var next = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        return () => ++next;
    }

    public Task InsertResultsAsync(DbConnection c, DbTransaction tx, BatchPlan plan, CancellationToken ct)
    {
        if (plan.Results.Count == 0) return Task.CompletedTask;
        // Synchronous on purpose: SQLite has no async I/O; an async wrapper would only add a Task per row.
        using var insert = new SqliteRawStatement((SqliteConnection)c, ResultInsert.Sql(i => $"?{i + 1}"));
        for (var i = 0; i < plan.Results.Count; i++)
        {
            ResultInsert.Bind(insert, plan.Results[i], plan.ResultSequences[i], catalog);
            insert.Execute();
        }
        return Task.CompletedTask;
    }
}

public sealed partial class SqliteResultBulkWriter
{
    // Prepared single-row statements in a loop: SQLite binds parameters by name in O(n), so one statement with an
    // expanded IN list of thousands of parameters is quadratic; a prepared lookup per id is linear and in-process.
    public async Task<Dictionary<string, SpecimenLink>> LoadSpecimensAsync(DbConnection c, DbTransaction tx, IReadOnlyList<string> specimenIds, CancellationToken ct)
    {
        var found = new Dictionary<string, SpecimenLink>();
        if (specimenIds.Count == 0) return found;
        await using var cmd = (SqliteCommand)c.CreateCommand();
        cmd.Transaction = (SqliteTransaction)tx;
        cmd.CommandText = SpecimenLookup.Select + "s.id = $id";
        var id = cmd.Parameters.Add("$id", SqliteType.Text);
        cmd.Prepare();
        foreach (var s in specimenIds)
        {
            id.Value = s;
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (await r.ReadAsync(ct).ConfigureAwait(false)) found[s] = SpecimenLookup.Read(r);
        }
        return found;
    }

    public Task LoadCurrentAsync(DbConnection c, DbTransaction tx, IReadOnlyList<string> specimenIds, BatchPlan plan, CancellationToken ct)
    {
        if (specimenIds.Count == 0) return Task.CompletedTask;
        using var select = new SqliteRawStatement((SqliteConnection)c,
            "SELECT c.result_id, c.catalog_code, c.effective_at, c.sequence, " + ResultContent.Columns +
            " FROM result_current c JOIN lab_result r ON r.id = c.result_id WHERE c.specimen_id = ?1");
        foreach (var s in specimenIds)
        {
            select.Bind(1, s);
            while (select.Read())
            {
                var content = ResultContent.Of(select.GetString(4), select.GetString(5), select.GetString(6), select.GetString(7));
                plan.Current[(s, select.GetString(1))] = new CurrentResult(select.GetInt64(0), Time(select.GetInt64(2)), select.GetInt64(3), null, content);
            }
        }
        return Task.CompletedTask;
    }

    public Task MoveCurrentAsync(DbConnection c, DbTransaction tx, BatchPlan plan, CancellationToken ct)
    {
        using var upsert = new SqliteRawStatement((SqliteConnection)c, ResultCurrentUpsert.Sqlite);
        foreach (var ((specimenId, catalogCode), current) in plan.MovedCurrent)
        {
            upsert.Bind(1, specimenId);
            upsert.Bind(2, catalogCode);
            upsert.Bind(3, current.Id);
            upsert.Bind(4, Ms(current.EffectiveAt));
            upsert.Bind(5, current.Sequence);
            upsert.Execute();
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// The lab_result insert shared by both dialects: column order and values. Loinc and section are denormalized from the
/// catalog so searches by LOINC or category need no join.
/// </summary>
internal static class ResultInsert
{
    public static readonly string[] Columns =
    [
        "id", "specimen_id", "referral_id", "patient_id", "lab_id", "catalog_code", "loinc", "section", "analyzer_code", "value", "numeric_value",
        "comparator", "unit", "ref_low", "ref_high", "ref_text", "interpretation", "flags", "status", "effective_at", "issued_at", "gateway_id",
        "instrument_id", "message_id", "sequence", "supersedes_id", "last_updated", "review", "hold_reasons",
    ];

    public static string Sql(Func<int, string> parameter) =>
        $"INSERT INTO lab_result({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select((_, i) => parameter(i)))})";

    /// <summary>The row's values bound by position, in <see cref="Columns"/> order, without boxing (SQLite's hot path).</summary>
    public static void Bind(Store.Sqlite.SqliteRawStatement s, Domain.LabResult r, long sequence, Catalog.ITestCatalog catalog)
    {
        var test = catalog.Find(r.CatalogCode);
        s.Bind(1, r.Id);
        s.Bind(2, r.SpecimenId);
        s.Bind(3, r.ReferralId);
        s.Bind(4, r.PatientId);
        s.Bind(5, r.PerformingLabId);
        s.Bind(6, r.CatalogCode);
        s.Bind(7, test?.Loinc ?? "");
        s.Bind(8, test?.Section ?? "");
        s.Bind(9, r.AnalyzerCode);
        s.Bind(10, r.Value);
        s.Bind(11, Real(r.Numeric));
        s.Bind(12, r.Comparator);
        s.Bind(13, r.Unit);
        s.Bind(14, Real(r.ReferenceLow));
        s.Bind(15, Real(r.ReferenceHigh));
        s.Bind(16, r.ReferenceText);
        s.Bind(17, r.Interpretation);
        s.Bind(18, List(r.AnalyzerFlags));
        s.Bind(19, Enum(r.Status));
        s.Bind(20, Ms(r.EffectiveAt));
        s.Bind(21, Ms(r.IssuedAt));
        s.Bind(22, r.GatewayId);
        s.Bind(23, r.InstrumentId);
        s.Bind(24, r.MessageId);
        s.Bind(25, sequence);
        s.Bind(26, r.SupersedesId);
        s.Bind(27, Ms(r.LastUpdated));
        s.Bind(28, r.Review);
        s.Bind(29, HoldReasons(r.HoldReasons));
    }

}

/// <summary>
/// Moves the current-result pointer of a (specimen, test), in both dialects. Writers decide "newer" under the tube's
/// turn (SQLite's single writer, PostgreSQL's <c>WriteLocks</c>); the condition is the database's own guard that a
/// pointer never moves back to an older result (by effective time, then sequence), whatever path writes it.
/// </summary>
internal static class ResultCurrentUpsert
{
    private const string Insert = "INSERT INTO result_current(specimen_id, catalog_code, result_id, effective_at, sequence) ";

    private const string OnConflict =
        "ON CONFLICT (specimen_id, catalog_code) DO UPDATE SET result_id = excluded.result_id, effective_at = excluded.effective_at, sequence = excluded.sequence " +
        "WHERE (excluded.effective_at, excluded.sequence) >= (result_current.effective_at, result_current.sequence)";

    /// <summary>One row, bound by position.</summary>
    public const string Sqlite = Insert + "VALUES (?1, ?2, ?3, ?4, ?5) " + OnConflict;

    /// <summary>All rows of a batch as five arrays.</summary>
    public const string Postgres = Insert + "SELECT * FROM unnest(@specimen, @code, @result, @effective, @sequence) " + OnConflict;
}
