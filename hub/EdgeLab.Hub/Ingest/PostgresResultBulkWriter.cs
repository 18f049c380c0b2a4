using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace EdgeLab.Hub.Ingest;

/// <summary>
/// PostgreSQL: every step is one round trip whatever the batch size — claims by <c>unnest … ON CONFLICT DO NOTHING
/// RETURNING</c> (a concurrent claim of the same id by another hub node waits for that node's commit and then claims
/// nothing), result ids from the sequence, rows by binary COPY.
/// </summary>
internal sealed class PostgresResultBulkWriter(Catalog.ITestCatalog catalog) : IResultBulkWriter
{
    private static readonly NpgsqlDbType[] Types =
    [
        NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Double, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Double,
        NpgsqlDbType.Double, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint,
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint,
    ];

    public async Task<HashSet<string>> ClaimAsync(DbConnection c, DbTransaction tx, IReadOnlyList<string> messageIds, long nowMs, CancellationToken ct)
    {
        var claimed = new HashSet<string>();
        if (messageIds.Count == 0) return claimed;
        // Sorted, so two nodes claiming overlapping batches lock rows in the same order and cannot deadlock.
        var sorted = messageIds.Order(StringComparer.Ordinal).ToArray();
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO processed_message(message_id, processed_at) SELECT m, @at FROM unnest(@ids) WITH ORDINALITY AS t(m, o) ORDER BY o ON CONFLICT DO NOTHING RETURNING message_id",
            (NpgsqlConnection)c, (NpgsqlTransaction)tx);
        cmd.Parameters.AddWithValue("ids", sorted);
        cmd.Parameters.AddWithValue("at", nowMs);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) claimed.Add(reader.GetString(0));
        return claimed;
    }

    public async Task<Func<long>> ReserveResultIdsAsync(DbConnection c, DbTransaction tx, int count, CancellationToken ct)
    {
        var ids = new List<long>(count);
        if (count > 0)
        {
            await using var cmd = new NpgsqlCommand("SELECT nextval('lab_result_id_seq') FROM generate_series(1, @n)", (NpgsqlConnection)c, (NpgsqlTransaction)tx);
            cmd.Parameters.AddWithValue("n", count);
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) ids.Add(reader.GetInt64(0));
            ids.Sort();
        }
        var i = 0;
        return () => i < ids.Count ? ids[i++] : throw new InvalidOperationException("more results than reserved ids");
    }

    public async Task InsertResultsAsync(DbConnection c, DbTransaction tx, BatchPlan plan, CancellationToken ct)
    {
        if (plan.Results.Count == 0) return;
        await using var importer = await ((NpgsqlConnection)c).BeginBinaryImportAsync(
            $"COPY lab_result({string.Join(", ", ResultInsert.Columns)}) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        for (var i = 0; i < plan.Results.Count; i++)
        {
            var values = ResultInsert.Values(plan.Results[i], plan.ResultSequences[i], catalog);
            await importer.StartRowAsync(ct).ConfigureAwait(false);
            for (var k = 0; k < values.Length; k++)
            {
                if (values[k] is null) await importer.WriteNullAsync(ct).ConfigureAwait(false);
                else await importer.WriteAsync(values[k], Types[k], ct).ConfigureAwait(false);
            }
        }
        await importer.CompleteAsync(ct).ConfigureAwait(false);
    }

    public async Task<Dictionary<string, SpecimenLink>> LoadSpecimensAsync(DbConnection c, DbTransaction tx, IReadOnlyList<string> specimenIds, CancellationToken ct)
    {
        var found = new Dictionary<string, SpecimenLink>();
        if (specimenIds.Count == 0) return found;
        await using var cmd = new NpgsqlCommand(SpecimenLookup.Select + "s.id = ANY(@ids)", (NpgsqlConnection)c, (NpgsqlTransaction)tx);
        cmd.Parameters.AddWithValue("ids", specimenIds.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var link = SpecimenLookup.Read(r);
            found[link.SpecimenId] = link;
        }
        return found;
    }

    public async Task LoadCurrentAsync(DbConnection c, DbTransaction tx, IReadOnlyList<string> specimenIds, BatchPlan plan, CancellationToken ct)
    {
        if (specimenIds.Count == 0) return;
        await using var cmd = new NpgsqlCommand(
            "SELECT result_id, specimen_id, catalog_code, effective_at, sequence FROM result_current WHERE specimen_id = ANY(@ids)", (NpgsqlConnection)c, (NpgsqlTransaction)tx);
        cmd.Parameters.AddWithValue("ids", specimenIds.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            plan.Current[(r.GetString(1), r.GetString(2))] = new CurrentResult(r.GetInt64(0), Store.StoreEncoding.Time(r.GetInt64(3)), r.GetInt64(4), null);
    }

    public async Task MoveCurrentAsync(DbConnection c, DbTransaction tx, BatchPlan plan, CancellationToken ct)
    {
        // Sorted by key, so two hub nodes moving pointers of the same specimens lock the rows in one order (no deadlock).
        var moved = plan.MovedCurrent.OrderBy(m => m.Key.SpecimenId, StringComparer.Ordinal).ThenBy(m => m.Key.CatalogCode, StringComparer.Ordinal).ToList();
        if (moved.Count == 0) return;
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO result_current(specimen_id, catalog_code, result_id, effective_at, sequence) " +
            "SELECT * FROM unnest(@specimen, @code, @result, @effective, @sequence) " +
            "ON CONFLICT (specimen_id, catalog_code) DO UPDATE SET result_id = excluded.result_id, effective_at = excluded.effective_at, sequence = excluded.sequence " +
            "WHERE (excluded.effective_at, excluded.sequence) >= (result_current.effective_at, result_current.sequence)",
            (NpgsqlConnection)c, (NpgsqlTransaction)tx);
        cmd.Parameters.AddWithValue("specimen", moved.Select(m => m.Key.SpecimenId).ToArray());
        cmd.Parameters.AddWithValue("code", moved.Select(m => m.Key.CatalogCode).ToArray());
        cmd.Parameters.AddWithValue("result", moved.Select(m => m.Value.Id).ToArray());
        cmd.Parameters.AddWithValue("effective", moved.Select(m => Store.StoreEncoding.Ms(m.Value.EffectiveAt)).ToArray());
        cmd.Parameters.AddWithValue("sequence", moved.Select(m => m.Value.Sequence).ToArray());
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
