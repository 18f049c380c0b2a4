using System.Data.Common;
using EdgeLab.Hub.Linking;
using Npgsql;
using NpgsqlTypes;

namespace EdgeLab.Hub.Store;

/// <summary>
/// PostgreSQL: every step is one round trip whatever the batch size — claims by <c>unnest … ON CONFLICT DO NOTHING
/// RETURNING</c> (a concurrent claim of the same id by another hub node waits for that node's commit and then claims
/// nothing), result ids from the sequence, rows by binary COPY.
/// </summary>
public sealed class PostgresResultBulkWriter(Catalog.ITestCatalog catalog) : IResultBulkWriter
{
    public async Task<HashSet<string>> ClaimAsync(DbConnection c, DbTransaction tx, IReadOnlyList<(string Id, string? Sha256)> messages, long nowMs, CancellationToken ct)
    {
        var claimed = new HashSet<string>();
        if (messages.Count == 0) return claimed;
        // Sorted, so two nodes claiming overlapping batches lock rows in the same order and cannot deadlock.
        var sorted = messages.OrderBy(m => m.Id, StringComparer.Ordinal).ToArray();
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO processed_message(message_id, processed_at, payload_sha256) SELECT m, @at, h FROM unnest(@ids, @hashes) WITH ORDINALITY AS t(m, h, o) ORDER BY o ON CONFLICT DO NOTHING RETURNING message_id",
            (NpgsqlConnection)c, (NpgsqlTransaction)tx);
        cmd.Parameters.AddWithValue("ids", sorted.Select(m => m.Id).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter<string?[]>("hashes", sorted.Select(m => m.Sha256).ToArray()) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
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
            await importer.StartRowAsync(ct).ConfigureAwait(false);
            await WriteRowAsync(importer, plan.Results[i], plan.ResultSequences[i], ct).ConfigureAwait(false);
        }
        await importer.CompleteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>One lab_result row in <see cref="ResultInsert.Columns"/> order, each value typed (no boxing, no per-value type lookup).</summary>
    private async Task WriteRowAsync(NpgsqlBinaryImporter row, Domain.LabResult r, long sequence, CancellationToken ct)
    {
        var test = catalog.Find(r.CatalogCode);
        await row.WriteAsync(r.Id, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
        await Text(r.SpecimenId).ConfigureAwait(false);
        await Text(r.ReferralId).ConfigureAwait(false);
        await Text(r.PatientId).ConfigureAwait(false);
        await Text(r.PerformingLabId).ConfigureAwait(false);
        await Text(r.CatalogCode).ConfigureAwait(false);
        await Text(test?.Loinc ?? "").ConfigureAwait(false);
        await Text(test?.Section ?? "").ConfigureAwait(false);
        await Text(r.AnalyzerCode).ConfigureAwait(false);
        await Text(r.Value).ConfigureAwait(false);
        await Real(StoreEncoding.Real(r.Numeric)).ConfigureAwait(false);
        await Text(r.Comparator).ConfigureAwait(false);
        await Text(r.Unit).ConfigureAwait(false);
        await Real(StoreEncoding.Real(r.ReferenceLow)).ConfigureAwait(false);
        await Real(StoreEncoding.Real(r.ReferenceHigh)).ConfigureAwait(false);
        await Text(r.ReferenceText).ConfigureAwait(false);
        await Text(r.Interpretation).ConfigureAwait(false);
        await Text(StoreEncoding.List(r.AnalyzerFlags)).ConfigureAwait(false);
        await Text(StoreEncoding.Enum(r.Status)).ConfigureAwait(false);
        await row.WriteAsync(StoreEncoding.Ms(r.EffectiveAt), NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
        await row.WriteAsync(StoreEncoding.Ms(r.IssuedAt), NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
        await Text(r.GatewayId).ConfigureAwait(false);
        await Text(r.InstrumentId).ConfigureAwait(false);
        await Text(r.MessageId).ConfigureAwait(false);
        await row.WriteAsync(sequence, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
        if (r.SupersedesId is { } previous) await row.WriteAsync(previous, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
        else await row.WriteNullAsync(ct).ConfigureAwait(false);
        await row.WriteAsync(StoreEncoding.Ms(r.LastUpdated), NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
        await Text(r.Review).ConfigureAwait(false);
        await Text(StoreEncoding.HoldReasons(r.HoldReasons)).ConfigureAwait(false);

        Task Text(string? value) => value is null ? row.WriteNullAsync(ct) : row.WriteAsync(value, NpgsqlDbType.Text, ct);
        Task Real(double? value) => value is { } v ? row.WriteAsync(v, NpgsqlDbType.Double, ct) : row.WriteNullAsync(ct);
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
            "SELECT c.result_id, c.specimen_id, c.catalog_code, c.effective_at, c.sequence, " + ResultContent.Columns +
            " FROM result_current c JOIN lab_result r ON r.id = c.result_id WHERE c.specimen_id = ANY(@ids)", (NpgsqlConnection)c, (NpgsqlTransaction)tx);
        cmd.Parameters.AddWithValue("ids", specimenIds.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var content = ResultContent.Of(r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetString(8));
            plan.Current[(r.GetString(1), r.GetString(2))] = new CurrentResult(r.GetInt64(0), Store.StoreEncoding.Time(r.GetInt64(3)), r.GetInt64(4), null, content);
        }
    }

    public async Task MoveCurrentAsync(DbConnection c, DbTransaction tx, BatchPlan plan, CancellationToken ct)
    {
        // Sorted by key, so two hub nodes moving pointers of the same specimens lock the rows in one order (no deadlock).
        var moved = plan.MovedCurrent.OrderBy(m => m.Key.SpecimenId, StringComparer.Ordinal).ThenBy(m => m.Key.CatalogCode, StringComparer.Ordinal).ToList();
        if (moved.Count == 0) return;
        await using var cmd = new NpgsqlCommand(ResultCurrentUpsert.Postgres, (NpgsqlConnection)c, (NpgsqlTransaction)tx);
        cmd.Parameters.AddWithValue("specimen", moved.Select(m => m.Key.SpecimenId).ToArray());
        cmd.Parameters.AddWithValue("code", moved.Select(m => m.Key.CatalogCode).ToArray());
        cmd.Parameters.AddWithValue("result", moved.Select(m => m.Value.Id).ToArray());
        cmd.Parameters.AddWithValue("effective", moved.Select(m => Store.StoreEncoding.Ms(m.Value.EffectiveAt)).ToArray());
        cmd.Parameters.AddWithValue("sequence", moved.Select(m => m.Value.Sequence).ToArray());
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
