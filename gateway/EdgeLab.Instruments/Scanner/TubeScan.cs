namespace EdgeLab.Instruments.Scanner;

/// <summary>
/// One tube scanned at a lab station: the specimen-receipt event (DESIGN.md: tube scans travel as <c>…/events</c>).
/// </summary>
/// <param name="ScannerId">The scanner's id from the gateway config, e.g. <c>reception-1</c>.</param>
/// <param name="Lab">The lab (organization) this gateway serves, from config.</param>
/// <param name="Station">Where the scanner sits, e.g. <c>reception</c> or <c>hematology</c>, from config.</param>
/// <param name="Text">The barcode's text exactly as decoded (the specimen id, usually).</param>
/// <param name="ScannedAt">When the scan ended (Enter or line end), from the gateway's clock.</param>
public sealed record TubeScan(string ScannerId, string Lab, string Station, string Text, DateTimeOffset ScannedAt);

/// <summary>Where scans go (the outbox / events uplink). Called once per scan, in scan order, per scanner.</summary>
public interface ITubeScanSink
{
    ValueTask OnScanAsync(TubeScan scan, CancellationToken cancellationToken);
}

/// <summary>Which scanner this is and where it stands; copied into every <see cref="TubeScan"/>.</summary>
public sealed record ScannerIdentity(string ScannerId, string Lab, string Station)
{
    public TubeScan Scan(string text, DateTimeOffset at) => new(ScannerId, Lab, Station, text, at);
}
