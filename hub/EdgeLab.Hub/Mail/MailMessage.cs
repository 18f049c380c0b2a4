namespace EdgeLab.Hub.Mail;

/// <summary>
/// One plain-text e-mail to one recipient, as any area of the hub hands it to <see cref="IMailOutbox"/>.
/// <see cref="Kind"/> names the mail in logs and the outbox (e.g. <c>cabinet-code</c>, <c>fleet-alert</c>): logs carry
/// the kind and the outbox id, never the recipient, subject or body. <see cref="DedupeKey"/>, when set, makes the mail
/// at most once: a second message with the same key is not queued (e.g. one "results ready" per referral release).
/// </summary>
internal sealed record MailMessage(string To, string Subject, string TextBody, string Kind, string? DedupeKey = null);
