using Dapper;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore : IArchiveStore
{
    private const string LocationColumns = "id, path, kind, name, parent_id, positions";

    public async Task<ArchiveLocation> AddLocationAsync(string path, int? positions, CancellationToken ct = default)
    {
        var segments = path.Split(ArchiveLocation.Separator);
        if (segments.Length is < 1 or > 3 || segments.Any(s => s.Trim().Length == 0 || s != s.Trim()))
            throw new StoreValidationException($"path: '{path}' is not archive[/zone[/box]] (1–3 non-empty segments separated by '/')");
        if (segments.Length == 3 && positions is not > 0)
            throw new StoreValidationException($"positions: box '{path}' needs a position count above 0");
        if (segments.Length < 3 && positions is not null)
            throw new StoreValidationException($"positions: '{path}' is an archive or zone; only boxes have positions");
        using var turn = await database.EnterWriteAsync(ct).ConfigureAwait(false);
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        ArchiveLocation? parent = null;
        for (var level = 1; level <= segments.Length; level++)
        {
            var levelPath = string.Join(ArchiveLocation.Separator, segments[..level]);
            var kind = (ArchiveLocationKind)(level - 1);
            var levelPositions = level == 3 ? positions : null;
            var existing = await c.QuerySingleOrDefaultAsync<LocationRow>(Cmd($"SELECT {LocationColumns} FROM archive_location WHERE path = @path", new { path = levelPath }, ct, tx)).ConfigureAwait(false);
            if (existing is null)
            {
                var row = new LocationRow { id = HubId.New(), path = levelPath, kind = StoreEncoding.Enum(kind), name = segments[level - 1], parent_id = parent?.Id, positions = levelPositions };
                await c.ExecuteAsync(Cmd("INSERT INTO archive_location(id, path, kind, name, parent_id, positions, created) VALUES (@id, @path, @kind, @name, @parent_id, @positions, @created)",
                    new { row.id, row.path, row.kind, row.name, row.parent_id, row.positions, created = StoreEncoding.Ms(Now) }, ct, tx)).ConfigureAwait(false);
                existing = row;
            }
            else if (levelPositions is { } n && existing.positions != n)
            {
                var highest = await c.ExecuteScalarAsync<long?>(Cmd("SELECT MAX(position) FROM archive_card WHERE box_id = @id", new { existing.id }, ct, tx)).ConfigureAwait(false);
                if (highest > n) throw new StoreValidationException($"positions: box '{levelPath}' holds a card at position {highest}; it cannot shrink to {n}");
                await c.ExecuteAsync(Cmd("UPDATE archive_location SET positions = @n WHERE id = @id", new { n, existing.id }, ct, tx)).ConfigureAwait(false);
                existing.positions = n;
            }
            parent = existing.ToDomain();
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return parent!;
    }

    public async Task<ArchiveLocation?> GetLocationAsync(string id, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<LocationRow>(Cmd($"SELECT {LocationColumns} FROM archive_location WHERE id = @id", new { id }, ct)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<Page<ArchiveLocation>> SearchLocationsAsync(string? name, string? partOf, int count, string? cursor, CancellationToken ct = default)
    {
        var limit = Limit(count);
        var p = new DynamicParameters();
        var where = "WHERE 1 = 1";
        if (name is not null) { where += " AND name = @name"; p.Add("name", name); }
        if (partOf is not null) { where += " AND parent_id = @parent"; p.Add("parent", partOf); }
        if (cursor is not null) { where += " AND id > @cursor"; p.Add("cursor", cursor); }
        p.Add("take", limit + 1);
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        var rows = (await c.QueryAsync<LocationRow>(Cmd($"SELECT {LocationColumns} FROM archive_location {where} ORDER BY id LIMIT @take", p, ct)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => r.id);
    }

    public async Task<IReadOnlyDictionary<string, ArchiveLocation>> LoadBoxesAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await c.QueryAsync<LocationRow>(Cmd($"SELECT {LocationColumns} FROM archive_location WHERE kind = 'box'", null, ct)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.path, r => r.ToDomain(), StringComparer.Ordinal);
    }
}

internal sealed class LocationRow
{
    public string id { get; set; } = "";
    public string path { get; set; } = "";
    public string kind { get; set; } = "";
    public string name { get; set; } = "";
    public string? parent_id { get; set; }
    public long? positions { get; set; }

    public ArchiveLocation ToDomain() => new()
    {
        Id = id,
        Path = path,
        Kind = StoreEncoding.Enum<ArchiveLocationKind>(kind),
        Name = name,
        ParentId = parent_id,
        Positions = positions is { } n ? (int)n : null,
    };
}
