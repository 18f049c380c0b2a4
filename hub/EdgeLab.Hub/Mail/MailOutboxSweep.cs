using EdgeLab.Hub.Store.Mail;

namespace EdgeLab.Hub.Mail;

/// <summary>
/// Sends the outbox (issue 14): every <see cref="MailOptions.SweepInterval"/> and whenever a mail is queued on this
/// node, claims the due rows and sends them over one SMTP session. A transient failure (server down, 4xx, timeout)
/// counts the attempt and sets the next by <see cref="MailOptions.Backoff"/>, and ends the round (the server is
/// likely down for the rest too); a permanent refusal marks that mail failed and goes on. Several hub nodes may sweep
/// one database: the claim keeps a mail to one of them. Time from the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class MailOutboxSweep(IMailOutboxStore store, MailOptions options, MailOutboxSignal signal, TimeProvider time, ILogger<MailOutboxSweep> logger)
    : BackgroundService
{
    private const int RoundSize = 50;
    private readonly SemaphoreSlim _round = new(1, 1);
    private bool _warnedNoServer;

    /// <summary>One round: sends what is due now. Returns how many were sent. Tests call it after moving the clock.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken = default)
    {
        if (!options.CanSend)
        {
            if (!_warnedNoServer) MailLog.NoServer(logger);
            _warnedNoServer = true;
            return 0;
        }
        await _round.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            // The claim outlasts a round's worst case (each mail its timeout), so no other node takes a mail mid-send.
            var claimed = await store.ClaimDueMailAsync(now, now + options.Timeout * (RoundSize + 1), RoundSize, cancellationToken).ConfigureAwait(false);
            if (claimed.Count == 0) return 0;
            var sent = 0;
            await using var sender = new SmtpMailSender(options);
            for (var i = 0; i < claimed.Count; i++)
            {
                var mail = claimed[i];
                var (outcome, failure) = await sender.SendAsync(mail, cancellationToken).ConfigureAwait(false);
                switch (outcome)
                {
                    case MailSendOutcome.Sent:
                        await store.MarkMailSentAsync(mail.Id, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                        MailLog.Sent(logger, mail.Id, mail.Kind, mail.Attempts + 1);
                        sent++;
                        break;
                    case MailSendOutcome.Permanent:
                        await store.MarkMailFailedAsync(mail.Id, time.GetUtcNow(), failure!, CancellationToken.None).ConfigureAwait(false);
                        MailLog.Refused(logger, mail.Id, mail.Kind, failure!);
                        break;
                    default:
                        // The server is down or busy: this mail and the rest of the round wait for their next attempt.
                        for (var j = i; j < claimed.Count; j++)
                        {
                            var wait = options.Backoff(claimed[j].Attempts + 1);
                            await store.MarkMailRetryAsync(claimed[j].Id, time.GetUtcNow() + wait, failure!, CancellationToken.None).ConfigureAwait(false);
                            MailLog.Retrying(logger, claimed[j].Id, claimed[j].Kind, claimed[j].Attempts + 1, failure!, wait);
                        }
                        return sent;
                }
            }
            await sender.CloseAsync(cancellationToken).ConfigureAwait(false);
            return sent;
        }
        finally
        {
            _round.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full round may leave more due: go again at once.
                while (await SweepOnceAsync(stoppingToken).ConfigureAwait(false) == RoundSize) { }
                await signal.WaitAsync(options.SweepInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException)
            {
                // The database is away: nothing is lost (rows stay due); try again after a pause.
                MailLog.SweepFailed(logger, ex, options.SweepInterval);
                await Task.Delay(options.SweepInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
