using System.Data.Common;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Linking;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Ingest;

/// <summary>
/// Receipt by scan (issue 15 §1): a <c>tube-scan</c> event from an enabled gateway whose barcode is a box in transit
/// to the gateway's lab, or a tube sent out to it, receives it in the batch's transaction (<see cref="TransferLedger"/>).
/// The event's optional <c>condition</c> data key carries the HL7 table 0544 code the technician chose at the scanner;
/// an unknown code is not recorded as a condition (the event itself, with its data, is stored as every event is).
/// </summary>
internal static class TransferScans
{
    public const string ConditionKey = "condition";
    public const string SpecimenKey = "specimenId";

    public static async Task ReceiveAsync(DbConnection c, DbTransaction tx, IReadOnlyList<IngestEnvelope> fresh, IReadOnlyDictionary<string, GatewayEntry> gateways,
        TransferDeadlines deadlines, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var e in fresh)
        {
            if (e.Kind != EnvelopeKind.Event || e.Event is not { Type: EventTypes.TubeScan } scan) continue;
            if (gateways.GetValueOrDefault(e.GatewayId) is not { State: GatewayState.Enabled } gateway) continue;
            if (!scan.Data.TryGetValue(SpecimenKey, out var barcode) || string.IsNullOrWhiteSpace(barcode)) continue;
            var condition = scan.Data.GetValueOrDefault(ConditionKey) is { } code && ContainerCondition.IsKnown(code) ? code : null;
            await TransferLedger.ReceiveAsync(c, tx, gateway.LabId, barcode.Trim(), condition, "gateway:" + e.GatewayId, deadlines, now, ct).ConfigureAwait(false);
        }
    }
}
