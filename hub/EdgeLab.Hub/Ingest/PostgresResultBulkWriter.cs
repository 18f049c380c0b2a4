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
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint,
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
            "SELECT id, specimen_id, catalog_code, effective_at, sequence FROM lab_result WHERE specimen_id = ANY(@ids) AND is_current = 1", (NpgsqlConnection)c, (NpgsqlTransaction)tx);
        cmd.Parameters.AddWithValue("ids", specimenIds.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            plan.Current[(r.GetString(1), r.GetString(2))] = new CurrentResult(r.GetInt64(0), Store.StoreEncoding.Time(r.GetInt64(3)), r.GetInt64(4), null);
    }

    public async Task MarkSupersededAsync(DbConnection c, DbTransaction tx, BatchPlan plan, long nowMs, CancellationToken ct)
    {
        if (plan.Superseded.Count == 0) return;
        // Only the unindexed internal flag changes, so PostgreSQL can update heap-only (HOT), without touching the indexes.
        await using var cmd = new NpgsqlCommand("UPDATE lab_result SET is_current = 0 WHERE id = ANY(@ids)", (NpgsqlConnection)c, (NpgsqlTransaction)tx);
        cmd.Parameters.AddWithValue("ids", plan.Superseded.ToArray());
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
