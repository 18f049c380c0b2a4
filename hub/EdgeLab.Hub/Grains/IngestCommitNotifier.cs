using EdgeLab.Hub.Ingest;

namespace EdgeLab.Hub.Grains;

/// <summary>
/// Tells grains what a committed ingest batch means for them: each gateway that sent messages (its online state) and
/// each organization that got a critical-value notification (deliver now). One-way calls, not awaited: the end-to-end
/// acks of the batch go out without waiting for any grain, and a lost tell costs nothing (the status topic and the
/// sweep cover it), so ingest keeps its millisecond failover (issue 11: no grain call on the ack path).
/// </summary>
internal sealed class IngestCommitNotifier(IGrainFactory grains, TimeProvider time) : IIngestCommitObserver
{
    public void Committed(BatchOutcome outcome)
    {
        var at = time.GetUtcNow();
        try
        {
            foreach (var gateway in outcome.AcksByGateway.Keys.Select(k => k.GatewayId).Distinct(StringComparer.Ordinal))
                _ = grains.GetGrain<IGatewayGrain>(gateway).IngestCommittedAsync(at);
            foreach (var organization in outcome.NotifiedOrganizations)
                _ = grains.GetGrain<IOrganizationGrain>(organization).WakeNotificationsAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or OrleansException)
        {
            // The silo is still starting (hosted services start side by side) or stopping: the acks must go out
            // regardless, and the sweep finds the notifications.
        }
    }
}
