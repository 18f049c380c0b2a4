namespace EdgeLab.Hub.Mail;

/// <summary>Mail logging: the outbox id, the mail's kind, counts and the failure's class only — never an address, subject, body or code.</summary>
internal static partial class MailLog
{
    [LoggerMessage(1, LogLevel.Debug, "Mail {MailId} ({Kind}) queued")]
    public static partial void Queued(ILogger logger, long mailId, string kind);

    [LoggerMessage(2, LogLevel.Information, "Mail {MailId} ({Kind}) sent after {Attempts} attempt(s)")]
    public static partial void Sent(ILogger logger, long mailId, string kind, int attempts);

    [LoggerMessage(3, LogLevel.Warning, "Mail {MailId} ({Kind}) not sent (attempt {Attempts}: {Failure}); next attempt in {RetryIn}")]
    public static partial void Retrying(ILogger logger, long mailId, string kind, int attempts, string failure, TimeSpan retryIn);

    [LoggerMessage(4, LogLevel.Error, "Mail {MailId} ({Kind}) refused for good by the SMTP server ({Failure}); kept in the outbox, marked failed")]
    public static partial void Refused(ILogger logger, long mailId, string kind, string failure);

    [LoggerMessage(5, LogLevel.Warning, "Mail is queued but no SMTP server is configured (--smtp-host): it stays in the outbox until a node with one runs")]
    public static partial void NoServer(ILogger logger);

    [LoggerMessage(6, LogLevel.Error, "The mail sweep failed; it runs again in {RetryIn}")]
    public static partial void SweepFailed(ILogger logger, Exception exception, TimeSpan retryIn);
}
