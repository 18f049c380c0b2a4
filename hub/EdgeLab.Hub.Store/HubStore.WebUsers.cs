using Dapper;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore : IWebUserStore, ISpecimenReceptionStore, IReferralAccessCodeStore
{
    private const string WebUserColumns = "login, display_name, org_id, role, password_hash, created, disabled_at, failed_count, locked_until";

    public async Task AddWebUserAsync(WebUser user, CancellationToken cancellationToken = default)
    {
        if (await GetOrganizationAsync(user.OrganizationId, cancellationToken).ConfigureAwait(false) is null)
            throw new StoreValidationException($"organization '{user.OrganizationId}' does not exist; add it first with 'edgelab-hub organizations add'");
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var n = await c.ExecuteAsync(Cmd(
            $"INSERT INTO web_user({WebUserColumns}) VALUES (@login, @name, @org, @role, @hash, @created, NULL, 0, NULL) ON CONFLICT DO NOTHING",
            new { login = user.Login, name = user.DisplayName, org = user.OrganizationId, role = Enum(user.Role), hash = user.PasswordHash, created = Ms(user.Created == default ? Now : user.Created) },
            cancellationToken)).ConfigureAwait(false);
        if (n == 0) throw new StoreValidationException($"login '{user.Login}' already exists; choose another login");
    }

    public async Task<WebUser?> GetWebUserAsync(string login, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<WebUserRow>(Cmd($"SELECT {WebUserColumns} FROM web_user WHERE login = @login", new { login }, cancellationToken)).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<WebUser>> ListWebUsersAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<WebUserRow>(Cmd($"SELECT {WebUserColumns} FROM web_user ORDER BY login", null, cancellationToken)).ConfigureAwait(false)).Select(r => r.ToDomain()).ToList();
    }

    public async Task<bool> DisableWebUserAsync(string login, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await c.ExecuteAsync(Cmd("UPDATE web_user SET disabled_at = @at WHERE login = @login AND disabled_at IS NULL", new { login, at = Ms(at) }, cancellationToken)).ConfigureAwait(false) > 0;
    }

    public async Task<int> RecordFailedSignInAsync(string login, int lockAfter, DateTimeOffset lockedUntil, CancellationToken cancellationToken = default)
    {
        // One statement, so two wrong passwords at once both count (both databases evaluate the CASE on the new count).
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (int)await c.ExecuteScalarAsync<long>(Cmd(
            "UPDATE web_user SET failed_count = failed_count + 1, locked_until = CASE WHEN failed_count + 1 >= @lockAfter THEN @until ELSE locked_until END WHERE login = @login RETURNING failed_count",
            new { login, lockAfter = (long)lockAfter, until = Ms(lockedUntil) }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task RecordSignInAsync(string login, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd("UPDATE web_user SET failed_count = 0, locked_until = NULL WHERE login = @login", new { login }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task SetReferralAccessCodeAsync(string referralId, string codeSha256, DateTimeOffset expiresAt, string issuedBy, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd(
            "INSERT INTO referral_access_code(referral_id, code_sha256, created, expires_at, issued_by) VALUES (@id, @hash, @now, @expires, @by) "
            + "ON CONFLICT (referral_id) DO UPDATE SET code_sha256 = excluded.code_sha256, created = excluded.created, expires_at = excluded.expires_at, issued_by = excluded.issued_by",
            new { id = referralId, hash = codeSha256, now = Ms(Now), expires = Ms(expiresAt), by = issuedBy }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<string?> FindReferralByAccessCodeAsync(string codeSha256, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<string?>(Cmd(
            "SELECT referral_id FROM referral_access_code WHERE code_sha256 = @hash AND expires_at > @now", new { hash = codeSha256, now = Ms(now) }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<(SpecimenReception Reception, bool AlreadyReceived)> ReceiveSpecimenAsync(SpecimenReception reception, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var n = await c.ExecuteAsync(Cmd(
            "INSERT INTO specimen_reception(specimen_id, lab_id, received_at, station, received_by) VALUES (@id, @lab, @at, @station, @by) ON CONFLICT DO NOTHING",
            new { id = reception.SpecimenId, lab = reception.LabId, at = Ms(reception.ReceivedAt), station = reception.Station, by = reception.ReceivedBy },
            cancellationToken)).ConfigureAwait(false);
        if (n > 0) return (reception, false);
        var first = await c.QuerySingleAsync<SpecimenReceptionRow>(Cmd(
            "SELECT specimen_id, lab_id, received_at, station, received_by FROM specimen_reception WHERE specimen_id = @id", new { id = reception.SpecimenId }, cancellationToken)).ConfigureAwait(false);
        return (first.ToDomain(), true);
    }

    public async Task<IReadOnlyList<SpecimenReception>> ListReceptionsAsync(string labId, int count = 50, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<SpecimenReceptionRow>(Cmd(
                "SELECT specimen_id, lab_id, received_at, station, received_by FROM specimen_reception WHERE lab_id = @lab ORDER BY received_at DESC LIMIT @take",
                new { lab = labId, take = Limit(count) }, cancellationToken)).ConfigureAwait(false))
            .Select(r => r.ToDomain()).ToList();
    }
}

#pragma warning disable CA1812 // instantiated by Dapper
public sealed class WebUserRow
{
    public string login { get; set; } = "";
    public string display_name { get; set; } = "";
    public string org_id { get; set; } = "";
    public string role { get; set; } = "";
    public string password_hash { get; set; } = "";
    public long created { get; set; }
    public long? disabled_at { get; set; }
    public long failed_count { get; set; }
    public long? locked_until { get; set; }

    public WebUser ToDomain() => new()
    {
        Login = login,
        DisplayName = display_name,
        OrganizationId = org_id,
        Role = Enum<WebRole>(role),
        PasswordHash = password_hash,
        Created = Time(created),
        DisabledAt = Time(disabled_at),
        FailedSignIns = (int)failed_count,
        LockedUntil = Time(locked_until),
    };
}

public sealed class SpecimenReceptionRow
{
    public string specimen_id { get; set; } = "";
    public string lab_id { get; set; } = "";
    public long received_at { get; set; }
    public string station { get; set; } = "";
    public string received_by { get; set; } = "";

    public SpecimenReception ToDomain() => new() { SpecimenId = specimen_id, LabId = lab_id, ReceivedAt = Time(received_at), Station = station, ReceivedBy = received_by };
}
#pragma warning restore CA1812
