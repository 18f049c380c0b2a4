using EdgeLab.Hub.Ingest;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace EdgeLab.Hub.Grains;

/// <summary>
/// The organization's grain (see <see cref="IOrganizationGrain"/>). The notifications and their next attempt times
/// are rows in <c>critical_notification</c> (the backoff is recorded there by <see cref="NotificationDelivery"/>);
/// the grain only decides when to look again: a grain timer at the next due time when that is near, and while
/// anything is undelivered a reminder — Orleans' durable, at-least-once wake-up (persisted on PostgreSQL) — in case
/// this activation's node dies with the timer.
/// </summary>
internal sealed partial class OrganizationGrain(NotificationDelivery delivery, CriticalEscalation escalation, Archive.RetrievalOverdue retrievals, ILogger<OrganizationGrain> logger)
    : Grain, IOrganizationGrain
{
    /// <summary>Waits up to this long run on a timer; longer ones are left to the reminder and the sweep.</summary>
    public static readonly TimeSpan LongestTimerWait = TimeSpan.FromMinutes(1);

    /// <summary>Orleans' shortest reminder period is one minute.</summary>
    public static readonly TimeSpan SafetyNetPeriod = TimeSpan.FromMinutes(1);

    public const string SafetyNetReminder = "undelivered-webhooks";

    private IGrainTimer? _next;
    private bool _reminderSet;

    private string OrganizationId => this.GetPrimaryKeyString();

    public Task WakeNotificationsAsync() => DeliverAsync(CancellationToken.None);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminderSet = true; // it exists (persisted), whichever activation registered it
        return DeliverAsync(CancellationToken.None);
    }

    private async Task DeliverAsync(CancellationToken ct)
    {
        _next?.Dispose();
        _next = null;
        await delivery.DeliverDueAsync(OrganizationId, ct);
        await escalation.EscalateDueAsync(OrganizationId, ct);
        // And the overdue alert of its paper card retrievals (issue 15 §2): same timer, reminder and sweep.
        await retrievals.MarkDueAsync(OrganizationId, ct);
        // The grain also owns escalating its critical values left unacknowledged (issue 13): the next wake-up is the
        // earlier of the next webhook attempt and the next escalation, and the reminder stays while either is pending.
        var due = Earliest(Earliest(await delivery.NextDueAsync(OrganizationId, ct), await escalation.NextDueAsync(OrganizationId, ct)),
            await retrievals.NextDueAsync(OrganizationId, ct));
        try
        {
            await KeepSafetyNetAsync(due is not null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The reminder table may be unreachable for a moment: the timer and the sweep still cover delivery.
            ReminderFailed(logger, OrganizationId, ex.Message);
        }
        if (due is null) return;
        var wait = delivery.UntilDue(due.Value);
        if (wait > LongestTimerWait) return;
        _next = this.RegisterGrainTimer(static (grain, ct) => grain.DeliverAsync(ct), this,
            new GrainTimerCreationOptions(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private async Task KeepSafetyNetAsync(bool pending)
    {
        if (pending == _reminderSet) return;
        if (pending)
        {
            await this.RegisterOrUpdateReminder(SafetyNetReminder, SafetyNetPeriod, SafetyNetPeriod);
        }
        else if (await this.GetReminder(SafetyNetReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
        _reminderSet = pending;
    }

    [LoggerMessage(20, LogLevel.Warning, "Organization {OrganizationId}: webhook safety-net reminder not updated ({Reason}); timers and the sweep still retry")]
    private static partial void ReminderFailed(ILogger logger, string organizationId, string reason);
}
