using System.Data.Common;
using Microsoft.Data.Sqlite;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Ingest;

/// <summary>
/// SQLite: the transaction is <c>BEGIN IMMEDIATE</c> (Microsoft.Data.Sqlite's default), so this process holds the
/// database's single write lock for the whole batch; result ids can then be taken from <c>MAX(id)</c> without a race,
/// and prepared single-row inserts run at in-process speed.
/// </summary>
internal sealed partial class SqliteResultBulkWriter(Catalog.ITestCatalog catalog) : IResultBulkWriter
{
    public async Task<HashSet<string>> ClaimAsync(DbConnection c, DbTransaction tx, IReadOnlyList<string> messageIds, long nowMs, CancellationToken ct)
    {
        var claimed = new HashSet<string>();
        if (messageIds.Count == 0) return claimed;
        await using var cmd = (SqliteCommand)c.CreateCommand();
        cmd.Transaction = (SqliteTransaction)tx;
        cmd.CommandText = "INSERT INTO processed_message(message_id, processed_at) VALUES ($id, $at) ON CONFLICT DO NOTHING";
        var id = cmd.Parameters.Add("$id", SqliteType.Text);
        cmd.Parameters.AddWithValue("$at", nowMs);
        cmd.Prepare();
        foreach (var m in messageIds)
        {
            id.Value = m;
            if (cmd.ExecuteNonQuery() == 1) claimed.Add(m);
        }
        return claimed;
    }

    public async Task<Func<long>> ReserveResultIdsAsync(DbConnection c, DbTransaction tx, int count, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT COALESCE(MAX(id), 0) FROM lab_result";
        var next = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        return () => ++next;
    }

    public async Task InsertResultsAsync(DbConnection c, DbTransaction tx, BatchPlan plan, CancellationToken ct)
    {
        if (plan.Results.Count == 0) return;
        await using var cmd = (SqliteCommand)c.CreateCommand();
        cmd.Transaction = (SqliteTransaction)tx;
        cmd.CommandText = ResultInsert.Sql("$");
        var p = ResultInsert.Columns.Select(name => cmd.Parameters.Add(new SqliteParameter("$" + name, null))).ToArray();
        cmd.Prepare();
        for (var i = 0; i < plan.Results.Count; i++)
        {
            var values = ResultInsert.Values(plan.Results[i], plan.ResultSequences[i], catalog);
            for (var k = 0; k < p.Length; k++) p[k].Value = values[k] ?? DBNull.Value;
            // Synchronous on purpose: SQLite has no async I/O; the async wrapper only adds a Task per row.
            cmd.ExecuteNonQuery();
        }
    }
}

internal sealed partial class SqliteResultBulkWriter
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

    public async Task LoadCurrentAsync(DbConnection c, DbTransaction tx, IReadOnlyList<string> specimenIds, BatchPlan plan, CancellationToken ct)
    {
        if (specimenIds.Count == 0) return;
        await using var cmd = (SqliteCommand)c.CreateCommand();
        cmd.Transaction = (SqliteTransaction)tx;
        cmd.CommandText = "SELECT result_id, catalog_code, effective_at, sequence FROM result_current WHERE specimen_id = $id";
        var id = cmd.Parameters.Add("$id", SqliteType.Text);
        cmd.Prepare();
        foreach (var s in specimenIds)
        {
            id.Value = s;
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
                plan.Current[(s, r.GetString(1))] = new CurrentResult(r.GetInt64(0), Time(r.GetInt64(2)), r.GetInt64(3), null);
        }
    }

    public Task MoveCurrentAsync(DbConnection c, DbTransaction tx, BatchPlan plan, CancellationToken ct)
    {
        using var cmd = (SqliteCommand)c.CreateCommand();
        cmd.Transaction = (SqliteTransaction)tx;
        cmd.CommandText = ResultCurrentUpsert.Sql;
        var specimen = cmd.Parameters.Add("$specimen", SqliteType.Text);
        var code = cmd.Parameters.Add("$code", SqliteType.Text);
        var result = cmd.Parameters.Add("$result", SqliteType.Integer);
        var effective = cmd.Parameters.Add("$effective", SqliteType.Integer);
        var sequence = cmd.Parameters.Add("$sequence", SqliteType.Integer);
        var prepared = false;
        foreach (var ((specimenId, catalogCode), current) in plan.MovedCurrent)
        {
            if (!prepared) { cmd.Prepare(); prepared = true; }
            specimen.Value = specimenId;
            code.Value = catalogCode;
            result.Value = current.Id;
            effective.Value = Ms(current.EffectiveAt);
            sequence.Value = current.Sequence;
            cmd.ExecuteNonQuery();
        }
        return Task.CompletedTask;
    }
}

/// <summary>The lab_result insert shared by both dialects: column order and values.</summary>
internal static class ResultInsert
{
    public static readonly string[] Columns =
    [
        "id", "specimen_id", "referral_id", "patient_id", "lab_id", "catalog_code", "loinc", "section", "analyzer_code", "value", "numeric_value",
        "comparator", "unit", "ref_low", "ref_high", "ref_text", "interpretation", "flags", "status", "effective_at", "issued_at", "gateway_id",
        "instrument_id", "message_id", "sequence", "supersedes_id", "last_updated",
    ];

    public static string Sql(string prefix) =>
        $"INSERT INTO lab_result({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select(c => prefix + c))})";

    /// <summary>Loinc and section are denormalized from the catalog so searches by LOINC or category need no join.</summary>
    public static object?[] Values(Domain.LabResult r, long sequence, Catalog.ITestCatalog catalog)
    {
        var test = catalog.Find(r.CatalogCode);
        return
        [
            r.Id, r.SpecimenId, r.ReferralId, r.PatientId, r.PerformingLabId, r.CatalogCode, test?.Loinc ?? "", test?.Section ?? "", r.AnalyzerCode, r.Value,
            Real(r.Numeric), r.Comparator, r.Unit, Real(r.ReferenceLow), Real(r.ReferenceHigh), r.ReferenceText, r.Interpretation, List(r.AnalyzerFlags),
            Enum(r.Status), Ms(r.EffectiveAt), Ms(r.IssuedAt), r.GatewayId, r.InstrumentId, r.MessageId, sequence, r.SupersedesId, Ms(r.LastUpdated),
        ];
    }
}

/// <summary>
/// Moves the current-result pointer of a (specimen, test). The condition keeps the newest by (effective time, sequence)
/// even when two hub nodes link results of one specimen at the same time (PostgreSQL, read committed): the later
/// committer's upsert waits for the earlier one's row lock and then compares with what it committed.
/// </summary>
internal static class ResultCurrentUpsert
{
    public const string Sql =
        "INSERT INTO result_current(specimen_id, catalog_code, result_id, effective_at, sequence) VALUES ($specimen, $code, $result, $effective, $sequence) " +
        "ON CONFLICT (specimen_id, catalog_code) DO UPDATE SET result_id = excluded.result_id, effective_at = excluded.effective_at, sequence = excluded.sequence " +
        "WHERE (excluded.effective_at, excluded.sequence) >= (result_current.effective_at, result_current.sequence)";
}
