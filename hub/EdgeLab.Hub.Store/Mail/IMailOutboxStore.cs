namespace EdgeLab.Hub.Store.Mail;

/// <summary>A mail waiting in the outbox (migration 0130): whom to, what, and how many times sending it was tried.</summary>
public sealed record OutboxMail(long Id, string Kind, string Recipient, string Subject, string BodyText, int Attempts);

/// <summary>A mail's state in the outbox, for tests and the lab's resend page.</summary>
public sealed record OutboxMailState(long Id, string? DedupeKey, string Kind, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt,
    DateTimeOffset? SentAt, DateTimeOffset? FailedAt, string? LastError);

/// <summary>
/// The durable e-mail outbox (migration 0130). Rows are written before any SMTP server is asked; the sweep claims due
/// rows, sends them and marks each sent, retried later, or failed for good (kept, with the reason).
/// </summary>
public interface IMailOutboxStore
{
    /// <summary>
    /// Adds a mail; with a <paramref name="dedupeKey"/> already in the outbox nothing is added and null is returned (one
    /// mail per event however often the event is seen). Returns the new row's id.
    /// </summary>
    Task<long?> EnqueueMailAsync(string? dedupeKey, string kind, string recipient, string subject, string bodyText, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> due mails (next attempt at or before <paramref name="now"/>) by moving their
    /// next attempt to <paramref name="claimUntil"/>: another node's sweep skips them meanwhile, and a node that dies
    /// mid-send leaves them due again after the claim.
    /// </summary>
    Task<IReadOnlyList<OutboxMail>> ClaimDueMailAsync(DateTimeOffset now, DateTimeOffset claimUntil, int limit, CancellationToken cancellationToken = default);

    Task MarkMailSentAsync(long id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Counts a failed attempt and sets the next one.</summary>
    Task MarkMailRetryAsync(long id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default);

    /// <summary>The server refused the mail for good: kept with <paramref name="error"/>, not tried again.</summary>
    Task MarkMailFailedAsync(long id, DateTimeOffset at, string error, CancellationToken cancellationToken = default);

    /// <summary>When the mail with this key was queued (sent or not), or null if none was.</summary>
    Task<DateTimeOffset?> MailQueuedAtAsync(string dedupeKey, CancellationToken cancellationToken = default);

    Task<OutboxMailState?> GetMailStateAsync(long id, CancellationToken cancellationToken = default);
}
