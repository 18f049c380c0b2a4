using EdgeLab.Contract;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Instruments.Scanner;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Hosting;

/// <summary>
/// Turns every tube scan into a specimen-receipt event (<c>tube-scan</c> on <c>…/events</c>, DESIGN.md wire
/// contract) committed to the outbox, so a scan travels, is retried and is acknowledged end to end like a result.
/// </summary>
/// <remarks>
/// The event says which lab, which station, which scanner and when; the specimen id is the barcode text, in the
/// event's data, never in a log line. The scan's sequence keeps scans of one scanner in order (event order key).
/// </remarks>
internal sealed class TubeScanEventSink(OutboxStore outbox, GatewayRuntime runtime, ILogger log) : ITubeScanSink
{
    /// <summary>Keys of <see cref="EventMessage.Data"/> in a <c>tube-scan</c> event.</summary>
    public const string LabKey = "lab", StationKey = "station", ScannerKey = "scannerId", SpecimenKey = "specimenId";

    public async ValueTask OnScanAsync(TubeScan scan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var e = new GatewayEvent(EventTypes.TubeScan, scan.ScannerId, scan.ScannedAt, $"tube scanned at {scan.Station}",
            new Dictionary<string, string>
            {
                [LabKey] = scan.Lab,
                [StationKey] = scan.Station,
                [ScannerKey] = scan.ScannerId,
                [SpecimenKey] = scan.Text,
            });
        var sequence = await outbox.AddEventAsync(e, cancellationToken).ConfigureAwait(false);
        if (sequence is { } seq)
        {
            GatewayLog.TubeScanCommitted(log, scan.ScannerId, scan.Station, scan.Text.Length, seq);
            runtime.MessageReceived(scan.ScannerId, scan.ScannedAt);
        }
        else
        {
            // A scanner cannot be told to resend: the technician is, through the log and the status's outbox depth.
            GatewayLog.TubeScanNotStored(log, scan.ScannerId, scan.Station, scan.Text.Length);
        }
    }
}
