using System.Text;
using EdgeLab.Instruments.Transport;

namespace EdgeLab.Instruments.Scanner;

/// <summary>
/// A serial (RS-232 or USB CDC) barcode scanner: each scan arrives as a line ending in CR, LF or CR LF. Runs over
/// <see cref="SerialTransport"/> under <see cref="InstrumentLinkRunner"/>, so it reconnects like an analyzer.
/// </summary>
public sealed class SerialScannerSession(ScannerIdentity identity, ITubeScanSink sink, TimeProvider? timeProvider = null, Encoding? encoding = null)
    : IInstrumentProtocolSession
{
    /// <summary>A line longer than this is not a barcode (a scanner in the wrong mode, line noise); it is dropped.</summary>
    public const int MaxScanLength = 256;

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Encoding _encoding = encoding ?? Encoding.Latin1;

    public async Task RunAsync(Stream connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var splitter = new ScanLineSplitter(MaxScanLength);
        var buffer = new byte[512];
        var lines = new List<byte[]>();
        int n;
        while ((n = await connection.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            splitter.Feed(buffer.AsSpan(0, n), lines.Add);
            foreach (var line in lines)
            {
                var text = _encoding.GetString(line).Trim();
                if (text.Length > 0) await sink.OnScanAsync(identity.Scan(text, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            }
            lines.Clear();
        }
    }
}

/// <summary>Splits a byte stream into lines at CR, LF or CR LF (scanners are configured with any of them). Pure.</summary>
public sealed class ScanLineSplitter(int maxLength)
{
    private readonly List<byte> _line = [];
    private bool _overflow;

    public void Feed(ReadOnlySpan<byte> bytes, Action<byte[]> onLine)
    {
        ArgumentNullException.ThrowIfNull(onLine);
        foreach (var b in bytes)
        {
            if (b is 0x0D or 0x0A)
            {
                if (_line.Count > 0 && !_overflow) onLine([.. _line]);
                _line.Clear();
                _overflow = false;
                continue;
            }
            if (_line.Count >= maxLength)
            {
                _overflow = true;
                continue;
            }
            _line.Add(b);
        }
    }
}
