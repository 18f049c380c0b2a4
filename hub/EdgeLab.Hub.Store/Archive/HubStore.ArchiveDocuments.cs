using Dapper;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore
{
    private const string DocumentColumns = "d.id, d.card_number, d.patient_id, d.category, d.sha256, d.page_count, d.scanned_at, d.created, LENGTH(d.content) AS size";

    public async Task<ScannedDocument> AddDocumentAsync(ScannedDocument document, byte[] content, CancellationToken ct = default)
    {
        var stored = document with { Created = Now, Size = content.LongLength };
        using var turn = await database.EnterWriteAsync(ct).ConfigureAwait(false);
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd(
            "INSERT INTO archive_document(id, card_number, patient_id, category, content, sha256, page_count, scanned_at, created) VALUES (@id, @card, @pid, @cat, @content, @sha, @pages, @scanned, @created)",
            new
            {
                id = stored.Id,
                card = stored.CardNumber,
                pid = stored.PatientId,
                cat = stored.Category,
                content,
                sha = stored.Sha256,
                pages = stored.PageCount,
                scanned = StoreEncoding.Ms(stored.ScannedAt),
                created = StoreEncoding.Ms(stored.Created),
            }, ct)).ConfigureAwait(false);
        return stored;
    }

    /// <summary>Documents: as their card (<see cref="CardScope"/>).</summary>
    private static string DocumentScope(AccessScope scope, DynamicParameters p) =>
        scope.IsRegion ? "" : " AND EXISTS (SELECT 1 FROM archive_card c WHERE c.card_number = d.card_number" + CardScope(scope, "c", p) + ")";

    public async Task<ScannedDocument?> GetDocumentAsync(AccessScope scope, string id, CancellationToken ct = default)
    {
        var p = new DynamicParameters(new { id });
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<DocumentRow>(Cmd($"SELECT {DocumentColumns} FROM archive_document d WHERE d.id = @id{DocumentScope(scope, p)}", p, ct)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<byte[]?> GetDocumentContentAsync(AccessScope scope, string id, CancellationToken ct = default)
    {
        var p = new DynamicParameters(new { id });
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        return await c.ExecuteScalarAsync<byte[]?>(Cmd($"SELECT d.content FROM archive_document d WHERE d.id = @id{DocumentScope(scope, p)}", p, ct)).ConfigureAwait(false);
    }

    public async Task<Page<ScannedDocument>> SearchDocumentsAsync(AccessScope scope, DocumentQuery query, CancellationToken ct = default)
    {
        var limit = Limit(query.Count);
        var p = new DynamicParameters(new { take = limit + 1 });
        var where = "WHERE 1 = 1" + DocumentScope(scope, p);
        if (query.PatientId is not null) { where += " AND d.patient_id = @pid"; p.Add("pid", query.PatientId); }
        if (query.CardNumber is not null) { where += " AND d.card_number = @card"; p.Add("card", query.CardNumber); }
        if (query.Category is not null) { where += " AND d.category = @cat"; p.Add("cat", query.Category); }
        if (query.Cursor is not null) { where += " AND d.id < @cursor"; p.Add("cursor", query.Cursor); }
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        var rows = (await c.QueryAsync<DocumentRow>(Cmd($"SELECT {DocumentColumns} FROM archive_document d {where} ORDER BY d.id DESC LIMIT @take", p, ct)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => r.id);
    }
}

internal sealed class DocumentRow
{
    public string id { get; set; } = "";
    public string card_number { get; set; } = "";
    public string? patient_id { get; set; }
    public string category { get; set; } = "";
    public string sha256 { get; set; } = "";
    public long page_count { get; set; }
    public long scanned_at { get; set; }
    public long created { get; set; }
    public long size { get; set; }

    public ScannedDocument ToDomain() => new()
    {
        Id = id,
        CardNumber = card_number,
        PatientId = patient_id,
        Category = category,
        Sha256 = sha256,
        PageCount = (int)page_count,
        Size = size,
        ScannedAt = StoreEncoding.Time(scanned_at),
        Created = StoreEncoding.Time(created),
    };
}
