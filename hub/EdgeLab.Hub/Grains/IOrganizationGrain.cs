using Orleans.Concurrency;

namespace EdgeLab.Hub.Grains;

/// <summary>
/// One per organization id: delivers its critical-value webhooks, retrying with backoff until a 2xx. Timers for the
/// short waits; a reminder as the safety net while anything is left undelivered (persisted on PostgreSQL, so a node
/// crash does not forget it; the <see cref="GrainWakeup"/> sweep covers the same case within a second).
/// </summary>
internal interface IOrganizationGrain : IGrainWithStringKey, IRemindable
{
    /// <summary>A notification was queued or fell due: deliver what is due now. Fire and forget.</summary>
    [OneWay]
    Task WakeNotificationsAsync();
}
