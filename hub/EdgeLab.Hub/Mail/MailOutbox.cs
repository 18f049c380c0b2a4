using EdgeLab.Hub.Store.Mail;

namespace EdgeLab.Hub.Mail;

/// <summary>
/// <see cref="IMailOutbox"/> over the outbox table: the row first, then a nudge to this node's
/// <see cref="MailOutboxSweep"/> so a one-time code goes out at once rather than at the next round.
/// </summary>
internal sealed class MailOutbox(IMailOutboxStore store, MailOutboxSignal signal, TimeProvider time, ILogger<MailOutbox> logger) : IMailOutbox
{
    /// <summary>Subjects are one line (RFC 5322 §2.2: header fields are lines); a longer one is a caller's mistake.</summary>
    private const int MaxSubjectLength = 200;

    public async Task<long?> EnqueueAsync(MailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var to = MailAddress.TryNormalize(message.To) ?? throw new ArgumentException("the mail's recipient is not one e-mail address", nameof(message));
        if (string.IsNullOrWhiteSpace(message.Subject) || message.Subject.Length > MaxSubjectLength || message.Subject.Any(char.IsControl))
            throw new ArgumentException($"the mail's subject must be one line of 1 to {MaxSubjectLength} characters", nameof(message));
        if (string.IsNullOrWhiteSpace(message.Kind)) throw new ArgumentException("the mail needs a kind (e.g. cabinet-code) for the log", nameof(message));
        var id = await store.EnqueueMailAsync(message.DedupeKey, message.Kind, to, message.Subject, message.TextBody, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (id is { } queued)
        {
            MailLog.Queued(logger, queued, message.Kind);
            signal.Wake();
        }
        return id;
    }
}

/// <summary>Wakes this node's sweep when a mail was queued (other nodes find it at their next round).</summary>
internal sealed class MailOutboxSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: one round sends everything due.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) =>
        WaitCoreAsync(timeout, time, cancellationToken);

    private async Task<bool> WaitCoreAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, linked.Token);
        var woken = _wake.WaitAsync(linked.Token);
        var first = await Task.WhenAny(delay, woken).ConfigureAwait(false);
        await linked.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return first == woken && woken.IsCompletedSuccessfully;
    }
}
