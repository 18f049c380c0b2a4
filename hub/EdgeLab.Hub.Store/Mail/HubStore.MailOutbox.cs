using Dapper;
using EdgeLab.Hub.Store.Mail;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

public sealed partial class HubStore : IMailOutboxStore
{
    /// <summary>The stored reason is for the operator: bounded, so a chatty server cannot grow the row.</summary>
    private const int MaxErrorLength = 500;

    public async Task<long?> EnqueueMailAsync(string? dedupeKey, string kind, string recipient, string subject, string bodyText, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await c.ExecuteScalarAsync<long?>(Cmd(
            "INSERT INTO mail_outbox(dedupe_key, kind, recipient, subject, body_text, created_at, attempts, next_attempt_at) "
            + "VALUES (@dedupeKey, @kind, @recipient, @subject, @bodyText, @now, 0, @now) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
            new { dedupeKey, kind, recipient, subject, bodyText, now = Ms(now) }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OutboxMail>> ClaimDueMailAsync(DateTimeOffset now, DateTimeOffset claimUntil, int limit, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var due = (await c.QueryAsync<MailRow>(Cmd(
            "SELECT id, kind, recipient, subject, body_text, attempts, next_attempt_at FROM mail_outbox "
            + "WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @now ORDER BY next_attempt_at, id LIMIT @limit",
            new { now = Ms(now), limit = (long)Math.Clamp(limit, 1, MaxPageSize) }, cancellationToken)).ConfigureAwait(false)).ToList();
        var claimed = new List<OutboxMail>(due.Count);
        foreach (var row in due)
        {
            // Compare-and-set on next_attempt_at: of two nodes that read the same row, one moves it and sends it.
            var moved = await c.ExecuteAsync(Cmd(
                "UPDATE mail_outbox SET next_attempt_at = @until WHERE id = @id AND next_attempt_at = @seen AND sent_at IS NULL AND failed_at IS NULL",
                new { until = Ms(claimUntil), row.id, seen = row.next_attempt_at }, cancellationToken)).ConfigureAwait(false);
            if (moved == 1) claimed.Add(new OutboxMail(row.id, row.kind, row.recipient, row.subject, row.body_text, (int)row.attempts));
        }
        return claimed;
    }

    public async Task MarkMailSentAsync(long id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd("UPDATE mail_outbox SET sent_at = @at, attempts = attempts + 1, last_error = NULL WHERE id = @id", new { id, at = Ms(at) }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task MarkMailRetryAsync(long id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd("UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error WHERE id = @id",
            new { id, next = Ms(nextAttemptAt), error = Bounded(error) }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task MarkMailFailedAsync(long id, DateTimeOffset at, string error, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd("UPDATE mail_outbox SET attempts = attempts + 1, failed_at = @at, last_error = @error WHERE id = @id",
            new { id, at = Ms(at), error = Bounded(error) }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<DateTimeOffset?> MailQueuedAtAsync(string dedupeKey, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return Time(await c.ExecuteScalarAsync<long?>(Cmd("SELECT created_at FROM mail_outbox WHERE dedupe_key = @dedupeKey", new { dedupeKey }, cancellationToken)).ConfigureAwait(false));
    }

    public async Task<OutboxMailState?> GetMailStateAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var r = await c.QuerySingleOrDefaultAsync<MailStateRow>(Cmd(
            "SELECT id, dedupe_key, kind, attempts, created_at, next_attempt_at, sent_at, failed_at, last_error FROM mail_outbox WHERE id = @id",
            new { id }, cancellationToken)).ConfigureAwait(false);
        return r is null ? null : new OutboxMailState(r.id, r.dedupe_key, r.kind, (int)r.attempts, Time(r.created_at), Time(r.next_attempt_at), Time(r.sent_at), Time(r.failed_at), r.last_error);
    }

    private static string Bounded(string error) => error.Length <= MaxErrorLength ? error : error[..MaxErrorLength];

#pragma warning disable IDE1006, CA1812 // Dapper row: column names; instantiated by Dapper
    private sealed class MailRow
    {
        public long id { get; set; }
        public string kind { get; set; } = "";
        public string recipient { get; set; } = "";
        public string subject { get; set; } = "";
        public string body_text { get; set; } = "";
        public long attempts { get; set; }
        public long next_attempt_at { get; set; }
    }
    private sealed class MailStateRow
    {
        public long id { get; set; }
        public string? dedupe_key { get; set; }
        public string kind { get; set; } = "";
        public long attempts { get; set; }
        public long created_at { get; set; }
        public long next_attempt_at { get; set; }
        public long? sent_at { get; set; }
        public long? failed_at { get; set; }
        public string? last_error { get; set; }
    }
#pragma warning restore IDE1006, CA1812
}
