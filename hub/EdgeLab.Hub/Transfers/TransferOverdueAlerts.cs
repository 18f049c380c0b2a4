using EdgeLab.Hub.Store;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Transfers;

/// <summary>
/// The durable timer of specimen transfer (issue 15 §1): due times live in the rows (<c>shipment_box.receive_due_at</c>,
/// <c>transfer_task.results_due_at</c>), and every node's wake-up sweep (<see cref="Grains.GrainWakeup"/>, each second
/// and at start) raises what has fallen due — so a restart or a dead node loses no deadline, and the claim in the same
/// UPDATE raises each alert once across nodes. The clock is the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class TransferOverdueAlerts(TransferStore store, ILogger<TransferOverdueAlerts> logger)
{
    public async Task<int> RaiseAsync(CancellationToken ct)
    {
        var raised = await store.RaiseOverdueAsync(ct).ConfigureAwait(false);
        foreach (var alert in raised)
            Overdue(logger, alert.Kind.ToString(), alert.LabId, alert.SubjectId);
        return raised.Count;
    }

    // Ids only: the detail names tubes and tests, read through the API by the sending lab.
    [LoggerMessage(60, LogLevel.Warning, "Transfer overdue ({Kind}) for sending lab {LabId}: {SubjectId}")]
    private static partial void Overdue(ILogger logger, string kind, string labId, string subjectId);
}
