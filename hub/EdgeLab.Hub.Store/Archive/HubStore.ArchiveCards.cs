using System.Data.Common;
using System.Text.Json;
using Dapper;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Referrals.Archive;
using Npgsql;
using NpgsqlTypes;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore
{
    private const string CardColumns = "card_number, patient_id, queue_reason, polyclinic, box_id, position, snils, oms_policy, family_name, given_name, middle_name, birth_date, sex, created";

    public async Task<CardBatchOutcome> ImportCardsAsync(IReadOnlyList<InventoryRow> rows, IReadOnlyList<string> boxIds, CancellationToken ct = default)
    {
        if (rows.Count != boxIds.Count) throw new ArgumentException("one box id per row", nameof(boxIds));
        using var turn = await database.EnterWriteAsync(ct).ConfigureAwait(false);
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);

        var candidates = await LoadCardCandidatesAsync(c, tx, rows, ct).ConfigureAwait(false);
        var bySnils = candidates.Where(p => p.Snils is not null).ToLookup(p => p.Snils!);
        var byOms = candidates.Where(p => p.OmsPolicy is not null).ToLookup(p => p.OmsPolicy!);

        // A card number twice in one batch: the first row is the card, the later ones are repeats (as across batches).
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var cards = new List<(InventoryRow Row, string BoxId, string? PatientId, CardQueueReason? Reason)>(rows.Count);
        var repeats = new List<InventoryRow>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (!seen.Add(row.CardNumber)) { repeats.Add(row); continue; }
            var d = row.Demographics;
            var sharing = (d.Snils is null ? [] : bySnils[d.Snils]).Concat(d.OmsPolicy is null ? [] : byOms[d.OmsPolicy]);
            var (patientId, reason) = CardIdentity.Match(d, sharing);
            cards.Add((row, boxIds[i], patientId, reason));
        }

        var now = StoreEncoding.Ms(Now);
        var inserted = database.Dialect == DatabaseDialect.Postgres
            ? await InsertCardsPostgresAsync((NpgsqlConnection)c, (NpgsqlTransaction)tx, cards, now, ct).ConfigureAwait(false)
            : await InsertCardsSqliteAsync(c, tx, cards, now, ct).ConfigureAwait(false);
        var access = cards.Where(x => x.PatientId is not null && inserted.Contains(x.Row.CardNumber)).Select(x => new { org = x.Row.Polyclinic, pid = x.PatientId }).Distinct().ToList();
        if (access.Count > 0)
            await c.ExecuteAsync(Cmd("INSERT INTO patient_access(org_id, patient_id) VALUES (@org, @pid) ON CONFLICT DO NOTHING", access, ct, tx)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);

        var attached = 0;
        var queued = new List<(InventoryRow, CardQueueReason)>();
        foreach (var card in cards)
        {
            if (!inserted.Contains(card.Row.CardNumber)) repeats.Add(card.Row);
            else if (card.PatientId is not null) attached++;
            else queued.Add((card.Row, card.Reason!.Value));
        }
        return new CardBatchOutcome(attached, queued, repeats);
    }

    /// <summary>Registered patients carrying any of the rows' SNILS or OMS policies: one query per batch, by index.</summary>
    private async Task<List<Patient>> LoadCardCandidatesAsync(DbConnection c, DbTransaction tx, IReadOnlyList<InventoryRow> rows, CancellationToken ct)
    {
        var snils = rows.Select(r => r.Demographics.Snils).OfType<string>().Distinct().ToArray();
        var oms = rows.Select(r => r.Demographics.OmsPolicy).OfType<string>().Distinct().ToArray();
        string sql;
        object args;
        if (database.Dialect == DatabaseDialect.Postgres)
        {
            sql = $"SELECT {PatientColumns} FROM patient WHERE snils = ANY(@s) UNION SELECT {PatientColumns} FROM patient WHERE oms_policy = ANY(@o)";
            args = new { s = snils, o = oms };
        }
        else
        {
            // One JSON array parameter instead of thousands of positional ones (SQLite's json_each).
            sql = $"SELECT {PatientColumns} FROM patient WHERE snils IN (SELECT value FROM json_each(@s)) UNION SELECT {PatientColumns} FROM patient WHERE oms_policy IN (SELECT value FROM json_each(@o))";
            args = new { s = JsonSerializer.Serialize(snils), o = JsonSerializer.Serialize(oms) };
        }
        var found = await c.QueryAsync<PatientRow>(Cmd(sql, args, ct, tx)).ConfigureAwait(false);
        return found.Select(r => r.ToDomain()).ToList();
    }

    /// <summary>PostgreSQL: the whole batch in one statement from typed arrays; <c>RETURNING</c> names the cards that were new.</summary>
    private static async Task<HashSet<string>> InsertCardsPostgresAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, List<(InventoryRow Row, string BoxId, string? PatientId, CardQueueReason? Reason)> cards, long now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO archive_card(card_number, patient_id, queue_reason, polyclinic, box_id, position, snils, oms_policy, family_name, given_name, middle_name, birth_date, sex, created, last_updated) " +
            "SELECT n, pid, qr, pc, bx, pos, sn, om, fa, gi, mi, bd, sx, @now, @now FROM unnest(@n, @pid, @qr, @pc, @bx, @pos, @sn, @om, @fa, @gi, @mi, @bd, @sx) " +
            "AS t(n, pid, qr, pc, bx, pos, sn, om, fa, gi, mi, bd, sx) ON CONFLICT (card_number) DO NOTHING RETURNING card_number", c, tx);
        void Text(string name, Func<(InventoryRow Row, string BoxId, string? PatientId, CardQueueReason? Reason), string?> value) =>
            cmd.Parameters.Add(new NpgsqlParameter<string?[]>(name, cards.Select(value).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        Text("n", x => x.Row.CardNumber);
        Text("pid", x => x.PatientId);
        Text("qr", x => x.Reason is { } r ? StoreEncoding.Enum(r) : null);
        Text("pc", x => x.Row.Polyclinic);
        Text("bx", x => x.BoxId);
        cmd.Parameters.Add(new NpgsqlParameter<int[]>("pos", cards.Select(x => x.Row.Position).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        Text("sn", x => x.Row.Demographics.Snils);
        Text("om", x => x.Row.Demographics.OmsPolicy);
        Text("fa", x => x.Row.Demographics.FamilyName);
        Text("gi", x => x.Row.Demographics.GivenName);
        Text("mi", x => x.Row.Demographics.MiddleName);
        Text("bd", x => StoreEncoding.Date(x.Row.Demographics.BirthDate));
        Text("sx", x => StoreEncoding.Sex(x.Row.Demographics.Sex));
        cmd.Parameters.AddWithValue("now", now);
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) inserted.Add(reader.GetString(0));
        return inserted;
    }

    /// <summary>SQLite: one prepared statement bound per row inside the batch's transaction; a row of 0 changes was present already.</summary>
    private static async Task<HashSet<string>> InsertCardsSqliteAsync(
        DbConnection c, DbTransaction tx, List<(InventoryRow Row, string BoxId, string? PatientId, CardQueueReason? Reason)> cards, long now, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO archive_card(card_number, patient_id, queue_reason, polyclinic, box_id, position, snils, oms_policy, family_name, given_name, middle_name, birth_date, sex, created, last_updated) " +
            "VALUES ($n, $pid, $qr, $pc, $bx, $pos, $sn, $om, $fa, $gi, $mi, $bd, $sx, $now, $now) ON CONFLICT (card_number) DO NOTHING";
        var names = new[] { "$n", "$pid", "$qr", "$pc", "$bx", "$pos", "$sn", "$om", "$fa", "$gi", "$mi", "$bd", "$sx", "$now" };
        var ps = names.Select(name => { var p = cmd.CreateParameter(); p.ParameterName = name; cmd.Parameters.Add(p); return p; }).ToArray();
        ps[13].Value = now;
        await cmd.PrepareAsync(ct).ConfigureAwait(false);
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (row, boxId, patientId, reason) in cards)
        {
            var d = row.Demographics;
            ps[0].Value = row.CardNumber;
            ps[1].Value = (object?)patientId ?? DBNull.Value;
            ps[2].Value = reason is { } r ? StoreEncoding.Enum(r) : DBNull.Value;
            ps[3].Value = row.Polyclinic;
            ps[4].Value = boxId;
            ps[5].Value = row.Position;
            ps[6].Value = (object?)d.Snils ?? DBNull.Value;
            ps[7].Value = (object?)d.OmsPolicy ?? DBNull.Value;
            ps[8].Value = d.FamilyName;
            ps[9].Value = d.GivenName;
            ps[10].Value = (object?)d.MiddleName ?? DBNull.Value;
            ps[11].Value = StoreEncoding.Date(d.BirthDate);
            ps[12].Value = StoreEncoding.Sex(d.Sex);
            if (await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1) inserted.Add(row.CardNumber);
        }
        return inserted;
    }

    /// <summary>Cards: those of the polyclinic itself, or of patients the organization sees (<see cref="Scope"/>).</summary>
    private static string CardScope(AccessScope scope, string alias, DynamicParameters p)
    {
        if (scope.IsRegion) return "";
        p.Add("scope_org", scope.OrganizationId);
        return $" AND ({alias}.polyclinic = @scope_org OR {alias}.patient_id IN (SELECT patient_id FROM patient_access WHERE org_id = @scope_org))";
    }

    public async Task<PaperCard?> GetCardAsync(AccessScope scope, string cardNumber, CancellationToken ct = default)
    {
        var p = new DynamicParameters(new { n = cardNumber });
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<CardRow>(Cmd($"SELECT {CardColumns} FROM archive_card c WHERE card_number = @n{CardScope(scope, "c", p)}", p, ct)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<Page<PaperCard>> ListQueuedCardsAsync(AccessScope scope, int count, string? cursor, CancellationToken ct = default)
    {
        var limit = Limit(count);
        var p = new DynamicParameters(new { take = limit + 1 });
        var where = "WHERE patient_id IS NULL" + CardScope(scope, "c", p);
        if (cursor is not null) { where += " AND card_number > @cursor"; p.Add("cursor", cursor); }
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        var rows = (await c.QueryAsync<CardRow>(Cmd($"SELECT {CardColumns} FROM archive_card c {where} ORDER BY card_number LIMIT @take", p, ct)).ConfigureAwait(false)).AsList();
        return ToPage(rows, limit, r => r.ToDomain(), r => r.card_number);
    }

    public async Task<bool> AttachQueuedCardAsync(AccessScope scope, string cardNumber, string patientId, CancellationToken ct = default)
    {
        var p = new DynamicParameters(new { n = cardNumber, pid = patientId, now = StoreEncoding.Ms(Now) });
        using var turn = await database.EnterWriteAsync(ct).ConfigureAwait(false);
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var polyclinic = await c.ExecuteScalarAsync<string?>(Cmd($"SELECT polyclinic FROM archive_card c WHERE card_number = @n AND patient_id IS NULL{CardScope(scope, "c", p)}", p, ct, tx)).ConfigureAwait(false);
        if (polyclinic is null || await c.ExecuteScalarAsync<long>(Cmd("SELECT COUNT(*) FROM patient WHERE id = @pid", p, ct, tx)).ConfigureAwait(false) == 0)
            return false;
        await c.ExecuteAsync(Cmd("UPDATE archive_card SET patient_id = @pid, queue_reason = NULL, last_updated = @now WHERE card_number = @n", p, ct, tx)).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd("UPDATE archive_document SET patient_id = @pid WHERE card_number = @n", p, ct, tx)).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd("INSERT INTO patient_access(org_id, patient_id) VALUES (@org, @pid) ON CONFLICT DO NOTHING", new { org = polyclinic, pid = patientId }, ct, tx)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }
}

internal sealed class CardRow
{
    public string card_number { get; set; } = "";
    public string? patient_id { get; set; }
    public string? queue_reason { get; set; }
    public string polyclinic { get; set; } = "";
    public string box_id { get; set; } = "";
    public long position { get; set; }
    public string? snils { get; set; }
    public string? oms_policy { get; set; }
    public string family_name { get; set; } = "";
    public string given_name { get; set; } = "";
    public string? middle_name { get; set; }
    public string birth_date { get; set; } = "";
    public string sex { get; set; } = "";
    public long created { get; set; }

    public PaperCard ToDomain() => new()
    {
        CardNumber = card_number,
        PatientId = patient_id,
        QueueReason = queue_reason is null ? null : StoreEncoding.Enum<CardQueueReason>(queue_reason),
        Polyclinic = polyclinic,
        BoxId = box_id,
        Position = (int)position,
        Created = StoreEncoding.Time(created),
        Demographics = new Patient
        {
            Id = patient_id ?? "",
            ManagingOrganizationId = polyclinic,
            Snils = snils,
            OmsPolicy = oms_policy,
            FamilyName = family_name,
            GivenName = given_name,
            MiddleName = middle_name,
            Sex = StoreEncoding.Sex(sex),
            BirthDate = StoreEncoding.Date(birth_date),
        },
    };
}
