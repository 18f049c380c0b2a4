using EdgeLab.Instruments.Transport;

namespace EdgeLab.Instruments.Scanner;

/// <summary>Decodes an evdev stream (from <see cref="EvdevTransport"/>) into tube scans for the sink.</summary>
public sealed class EvdevScannerSession(ScannerIdentity identity, KeyboardLayout layout, ITubeScanSink sink, TimeProvider? timeProvider = null)
    : IInstrumentProtocolSession
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public async Task RunAsync(Stream connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var decoder = new EvdevScanDecoder(layout);
        var buffer = new byte[decoder.EventSize * 64];
        var scans = new List<string>();
        int n;
        while ((n = await connection.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            decoder.Feed(buffer.AsSpan(0, n), scans.Add);
            foreach (var text in scans)
                await sink.OnScanAsync(identity.Scan(text, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            scans.Clear();
        }
    }
}
