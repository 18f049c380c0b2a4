using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Mail;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Store.Mail;

namespace EdgeLab.Hub.Web.Cabinet;

/// <summary>
/// "Results ready" notices (issue 14; OpenELIS-style notifications with delivery audit). For each patient whose
/// confirmed address consents (<see cref="ICabinetEmailStore.ListConsentingEmailsAsync"/>), a referral is ready when
/// every report of it is final (or amended), every result is released by the lab, nothing is withheld (a sensitive
/// test only once a clinician released it to the patient — MyChart's release delay), and the delay of its catalog
/// sections (<see cref="CabinetNoticeOptions.SectionDelays"/>) has passed since the last result was issued. Then one
/// mail is queued under the key <c>cabinet-ready:{referral}</c> — the outbox's unique key makes it one per referral
/// however often the scan runs, on however many nodes. A result corrected after that mail queues one "results
/// corrected" mail per correction (<c>cabinet-corrected:{referral}:{newest corrected result}</c>). The mail carries no
/// result and no diagnosis (<see cref="CabinetMailText"/>). Each queued mail is audited under the patient.
/// </summary>
internal sealed class CabinetReadyNotices(ICabinetEmailStore emails, IMailOutboxStore outboxStore, IMailOutbox outbox,
    CabinetRecords records, CabinetNoticeOptions options, MailOptions mail, AuditGroupCommit audit, TimeProvider time)
{
    public const string ReadyKind = "cabinet-ready";
    public const string CorrectedKind = "cabinet-corrected";
    public const string AuditClient = "cabinet-notices";

    public string CabinetUrl => $"{mail.PublicUrl.TrimEnd('/')}/cabinet";

    public static string ReadyKey(string referralId) => $"cabinet-ready:{referralId}";

    /// <summary>One scan of every consenting patient. Returns how many mails were queued.</summary>
    public async Task<int> ScanOnceAsync(CancellationToken cancellationToken = default)
    {
        var queued = 0;
        foreach (var email in await emails.ListConsentingEmailsAsync(cancellationToken).ConfigureAwait(false))
        {
            var reports = await records.ReportsAsync(new CabinetPatient(email.PatientId, null), cancellationToken).ConfigureAwait(false);
            foreach (var referral in reports.GroupBy(r => r.Summary.ReferralId, StringComparer.Ordinal))
                queued += await NoticeAsync(email, referral.Key, referral.ToList(), cancellationToken).ConfigureAwait(false);
        }
        return queued;
    }

    /// <summary>
    /// True when the referral's reports are all the patient will get: final, released, nothing withheld, delays passed.
    /// </summary>
    public bool IsReady(IReadOnlyList<CabinetReport> reports)
    {
        if (reports.Count == 0) return false;
        foreach (var report in reports)
        {
            if (report.Summary.Status is not (ReportStatus.Final or ReportStatus.Amended)) return false;
            if (report.WithheldCount > 0 || report.Results.Count == 0 || report.Results.Count != report.Summary.ResultIds.Count) return false;
            if (report.Results.Any(r => r.Status == ResultStatus.Preliminary)) return false;
        }
        var issued = reports.SelectMany(r => r.Results).Max(r => r.IssuedAt);
        var delay = reports.SelectMany(r => r.Results).Select(r => records.Test(r.CatalogCode)?.Section).OfType<string>()
            .Select(section => options.SectionDelays.GetValueOrDefault(section)).DefaultIfEmpty(TimeSpan.Zero).Max();
        return time.GetUtcNow() >= issued + delay;
    }

    /// <summary>
    /// Queues the ready mail again for the patient's own address (a resend from the cabinet): no key, so it always
    /// goes; only for a referral the patient may see and that is ready. Returns the outbox id or null.
    /// </summary>
    public async Task<long?> ResendAsync(CabinetPatient patient, string referralId, CancellationToken cancellationToken)
    {
        if (await emails.GetEmailOfPatientAsync(patient.PatientId, cancellationToken).ConfigureAwait(false) is not { } email) return null;
        var reports = (await records.ReportsAsync(patient, cancellationToken).ConfigureAwait(false)).Where(r => r.Summary.ReferralId == referralId).ToList();
        if (!IsReady(reports)) return null;
        return await outbox.EnqueueAsync(new MailMessage(email.Address, CabinetMailText.ReadySubject, CabinetMailText.ReadyBody(CabinetUrl), ReadyKind), cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> NoticeAsync(CabinetEmail email, string referralId, IReadOnlyList<CabinetReport> reports, CancellationToken cancellationToken)
    {
        if (!IsReady(reports)) return 0;
        var readyAt = await outboxStore.MailQueuedAtAsync(ReadyKey(referralId), cancellationToken).ConfigureAwait(false);
        if (readyAt is null)
        {
            var id = await outbox.EnqueueAsync(new MailMessage(email.Address, CabinetMailText.ReadySubject, CabinetMailText.ReadyBody(CabinetUrl), ReadyKind, ReadyKey(referralId)),
                cancellationToken).ConfigureAwait(false);
            if (id is null) return 0;
            await AuditAsync("cabinet-ready-mail-queued", referralId, email.PatientId, cancellationToken).ConfigureAwait(false);
            return 1;
        }
        // Corrections issued after the ready mail was queued; the newest names the notice, so each correction sends one.
        var corrected = reports.SelectMany(r => r.Results).Where(r => r.Status == ResultStatus.Corrected && r.IssuedAt > readyAt).ToList();
        if (corrected.Count == 0) return 0;
        var key = $"cabinet-corrected:{referralId}:{corrected.Max(r => r.Id)}";
        var queued = await outbox.EnqueueAsync(new MailMessage(email.Address, CabinetMailText.CorrectedSubject, CabinetMailText.CorrectedBody(CabinetUrl), CorrectedKind, key),
            cancellationToken).ConfigureAwait(false);
        if (queued is null) return 0;
        await AuditAsync("cabinet-corrected-mail-queued", referralId, email.PatientId, cancellationToken).ConfigureAwait(false);
        return 1;
    }

    private Task AuditAsync(string action, string referralId, string patientId, CancellationToken cancellationToken) =>
        audit.AppendAsync([new AuditEntry
        {
            At = time.GetUtcNow(),
            ClientId = AuditClient,
            OrganizationId = CabinetAudit.Organization,
            Action = action,
            ResourceType = "Referral",
            ResourceId = referralId,
            PatientId = patientId,
            StatusCode = StatusCodes.Status202Accepted,
        }]);
}

/// <summary>When the cabinet's notices go out.</summary>
internal sealed record CabinetNoticeOptions
{
    /// <summary>
    /// Delay after release per catalog section (the "configurable delay per test category"), e.g. a day for
    /// histology so a doctor can call first. Sections not named go at once.
    /// </summary>
    public IReadOnlyDictionary<string, TimeSpan> SectionDelays { get; init; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>How often the scan for ready referrals runs.</summary>
    public TimeSpan ScanInterval { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>Runs <see cref="CabinetReadyNotices.ScanOnceAsync"/> every <see cref="CabinetNoticeOptions.ScanInterval"/> on the hub's clock.</summary>
internal sealed partial class CabinetReadyNoticeService(IServiceScopeFactory scopes, CabinetNoticeOptions options, TimeProvider time, ILogger<CabinetReadyNoticeService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<CabinetReadyNotices>().ScanOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(options.ScanInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or IOException)
            {
                ScanFailed(logger, ex);
                await Task.Delay(options.ScanInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Error, "The scan for ready cabinet results failed; it runs again at the next interval")]
    private static partial void ScanFailed(ILogger logger, Exception exception);
}
