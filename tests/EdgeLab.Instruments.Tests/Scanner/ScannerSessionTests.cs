using System.Collections.Concurrent;
using EdgeLab.Instruments.Scanner;
using EdgeLab.Instruments.Tests.Support;
using EdgeLab.Instruments.Transport;
using EdgeLab.LocalServices;
using EdgeLab.Testing;

namespace EdgeLab.Instruments.Tests.Scanner;

/// <summary>Scanner sessions deliver each scan as a <see cref="TubeScan"/> with the station's identity and the clock's time.</summary>
public sealed class ScannerSessionTests
{
    private sealed class CollectingSink : ITubeScanSink
    {
        public BlockingCollection<TubeScan> Scans { get; } = [];

        public ValueTask OnScanAsync(TubeScan scan, CancellationToken cancellationToken)
        {
            Scans.Add(scan, cancellationToken);
            return ValueTask.CompletedTask;
        }

        public TubeScan Next()
        {
            Assert.True(Scans.TryTake(out var scan, TimeSpan.FromSeconds(10)), "no scan within 10 s");
            return scan!;
        }
    }

    private static readonly ScannerIdentity Reception = new("reception-1", "tomsk-okb-lab", "reception");

    [Fact]
    public void Line_splitter_accepts_CR_LF_and_CRLF_and_drops_overlong_lines()
    {
        var lines = new List<string>();
        var splitter = new ScanLineSplitter(8);
        splitter.Feed("A1\rB2\nC3\r\n\r\n123456789\rD4"u8, l => lines.Add(System.Text.Encoding.ASCII.GetString(l)));
        splitter.Feed("\n"u8, l => lines.Add(System.Text.Encoding.ASCII.GetString(l)));
        Assert.Equal(["A1", "B2", "C3", "D4"], lines);
    }

    [Fact]
    public async Task Serial_scanner_over_a_socat_pty_delivers_tube_scans()
    {
        await using var cable = await SocatPtyPair.StartAsync();
        var clock = new FakeTimeProvider();
        var sink = new CollectingSink();
        await using var scanner = new SerialTransport(new SerialPortSettings(cable.InstrumentEnd)).Open();
        await using var gateway = new SerialTransport(new SerialPortSettings(cable.GatewayEnd)).Open();
        using var stop = new CancellationTokenSource();
        var session = new SerialScannerSession(Reception, sink, clock).RunAsync(gateway, stop.Token);

        await scanner.WriteAsync("2611210007\r\n"u8.ToArray());
        Assert.Equal(new TubeScan("reception-1", "tomsk-okb-lab", "reception", "2611210007", clock.GetUtcNow()), sink.Next());
        clock.Advance(TimeSpan.FromSeconds(3));
        await scanner.WriteAsync("2611210015\r"u8.ToArray());
        var second = sink.Next();
        Assert.Equal("2611210015", second.Text);
        Assert.Equal(clock.GetUtcNow(), second.ScannedAt);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Evdev_scanner_session_decodes_a_recorded_event_stream()
    {
        var size = EvdevScanDecoder.PlatformEventSize;
        var recording = new MemoryStream([.. new (ushort Code, int Value)[] { (2, 1), (2, 0), (3, 1), (3, 0), (28, 1), (28, 0), (4, 1), (4, 0), (28, 1) }
            .SelectMany(k => EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, k.Code, k.Value, size))]);
        var sink = new CollectingSink();
        await new EvdevScannerSession(Reception, KeyboardLayout.Us, sink, new FakeTimeProvider()).RunAsync(recording, CancellationToken.None);
        Assert.Equal(["12", "3"], sink.Scans.Select(s => s.Text));
        Assert.All(sink.Scans, s => Assert.Equal("reception", s.Station));
    }

    [Fact]
    public async Task Evdev_transport_names_a_missing_scanner()
    {
        await using var transport = new EvdevTransport("/dev/input/by-id/usb-Honeywell_not_plugged-event-kbd");
        var error = await Assert.ThrowsAsync<FileNotFoundException>(async () => await transport.OpenAsync(CancellationToken.None));
        Assert.Contains("is the scanner plugged in?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evdev_transport_reads_a_path_that_is_not_an_input_device_without_a_grab_and_says_so()
    {
        // A pty stands in for a replayed recording: EVIOCGRAB fails with ENOTTY, which is logged, and reading goes on.
        await using var cable = await SocatPtyPair.StartAsync();
        var log = new RecordingLogger();
        await using var transport = new EvdevTransport(cable.GatewayEnd, log);
        await using var device = await transport.OpenAsync(CancellationToken.None);
        var warning = Assert.Single(log.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("is not an evdev input device (EVIOCGRAB:", warning.Message, StringComparison.Ordinal);

        var sink = new CollectingSink();
        using var stop = new CancellationTokenSource();
        var session = new EvdevScannerSession(Reception, KeyboardLayout.Us, sink).RunAsync(device, stop.Token);
        await using (var recording = new SerialTransport(new SerialPortSettings(cable.InstrumentEnd)).Open())
        {
            var size = EvdevScanDecoder.PlatformEventSize;
            var bytes = new List<byte>();
            foreach (var code in new ushort[] { 30, 2, 11, KeyboardLayout.KeyEnter }) // a 1 0 Enter
            {
                bytes.AddRange(EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, code, EvdevScanDecoder.KeyPress, size));
                bytes.AddRange(EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, code, EvdevScanDecoder.KeyRelease, size));
            }
            await recording.WriteAsync(bytes.ToArray());
            Assert.Equal("a10", sink.Next().Text);
        }
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => session.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void EVIOCGRAB_has_the_kernel_value()
    {
        Assert.Equal(0x40044590UL, EvdevTransport.EVIOCGRAB);
    }
}
