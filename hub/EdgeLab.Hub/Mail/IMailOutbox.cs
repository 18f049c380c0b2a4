namespace EdgeLab.Hub.Mail;

/// <summary>
/// The hub's one way to send e-mail (issue 14; fleet alerts too). <see cref="EnqueueAsync"/> writes the mail to the
/// durable outbox (migration 0130) and returns; <see cref="MailOutboxSweep"/> sends it by SMTP (MailKit), retrying
/// with backoff while the server is down or answers 4xx, so a mail is never lost to an outage. A mail the server
/// refuses for good (5xx: no such mailbox) stays in the outbox, marked failed with the server's reply.
/// </summary>
internal interface IMailOutbox
{
    /// <summary>
    /// Queues the mail. Returns its outbox id, or null when a mail with the same <see cref="MailMessage.DedupeKey"/> was
    /// queued before (nothing new is sent). Throws <see cref="ArgumentException"/> for an address that is not one
    /// address (see <see cref="MailAddress.TryNormalize"/>).
    /// </summary>
    Task<long?> EnqueueAsync(MailMessage message, CancellationToken cancellationToken = default);
}
