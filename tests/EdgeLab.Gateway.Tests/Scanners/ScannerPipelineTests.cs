using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.Instruments.Scanner;
using EdgeLab.Instruments.Transport;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.Scanners;

/// <summary>
/// Configured barcode scanners run inside the real gateway: a scan becomes a <c>tube-scan</c> event row in the outbox
/// (lab, station, scanner, specimen id, time), reaches the hub over a real Mosquitto, and the scanner's link state
/// shows in the status like an analyzer's.
/// </summary>
public sealed class ScannerPipelineTests
{
    private const string Lab = "tomsk-okb-lab";

    private static Func<GatewayConfig, GatewayConfig> WithScanner(ScannerConfig scanner) =>
        c => c with { OrganizationId = Lab, Scanners = [scanner] };

    private static List<EventMessage> EventRows(GatewayApp app) =>
        app.Outbox.Reader.ReadPending(1, 1000)
            .Where(r => r.Kind == OutboxKinds.Event)
            .Select(r => JsonSerializer.Deserialize(r.Payload.Span, WireJson.Default.EventMessage)!)
            .ToList();

    private static bool LinkIs(GatewayApp app, string id, string state) =>
        app.Runtime.Links().Any(l => l.InstrumentId == id && l.State == state);

    [Fact]
    public async Task A_serial_scanner_on_a_pty_commits_each_scan_as_a_tube_scan_event_that_reaches_the_hub()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await HubPeer.StartAsync(broker, "test-gw01", autoAck: false);
        await using var cable = await SocatPtyPair.StartAsync();
        await using var gw = await GatewayUnderTest.StartAsync(broker, configure: WithScanner(new ScannerConfig
        {
            Id = "reception-1",
            Type = "serial",
            Path = cable.GatewayEnd,
            Station = "reception",
            Baud = 9600,
        }));
        await Eventually.TrueAsync(() => LinkIs(gw.App, "reception-1", "up"), () => $"scanner link up (log: {string.Join('\n', gw.App.Logs.Tail(20))})");
        var scannerLink = Assert.Single(gw.App.Runtime.Links(), l => l.InstrumentId == "reception-1");
        Assert.Equal("scanner:serial", scannerLink.Profile);

        var before = DateTimeOffset.UtcNow;
        await using (var scanner = new SerialTransport(new SerialPortSettings(cable.InstrumentEnd)).Open())
        {
            await scanner.WriteAsync(Encoding.ASCII.GetBytes("2611210007\r\n"));
            await Eventually.TrueAsync(() => EventRows(gw.App).Any(e => e.Type == EventTypes.TubeScan),
                () => $"a tube-scan row in the outbox (log: {string.Join('\n', gw.App.Logs.Tail(20))})");
        }
        var after = DateTimeOffset.UtcNow;

        var scan = Assert.Single(EventRows(gw.App), e => e.Type == EventTypes.TubeScan);
        Assert.Equal("reception-1", scan.InstrumentId);
        Assert.Equal("test-gw01", scan.GatewayId);
        Assert.Equal(Lab, scan.Data[TubeScanEventSink.LabKey]);
        Assert.Equal("reception", scan.Data[TubeScanEventSink.StationKey]);
        Assert.Equal("reception-1", scan.Data[TubeScanEventSink.ScannerKey]);
        Assert.Equal("2611210007", scan.Data[TubeScanEventSink.SpecimenKey]);
        Assert.InRange(scan.At, before, after);
        Assert.Equal($"test-gw01:{gw.App.Outbox.Epoch}:{scan.Sequence}", scan.MessageId);
        Assert.DoesNotContain(gw.App.Logs.Tail(1000), l => l.Contains("2611210007", StringComparison.Ordinal));

        // The uplink carries it like any other event, and the published status lists the scanner's link.
        await Eventually.TrueAsync(() => hub.Events().Any(e => e.Type == EventTypes.TubeScan && e.Data[TubeScanEventSink.SpecimenKey] == "2611210007"),
            "the tube-scan event at the hub");
        await Eventually.TrueAsync(() => hub.Statuses().Any(s => s.Instruments.Any(i => i.InstrumentId == "reception-1" && i.State == "up")),
            "a status listing the scanner as up");
        Assert.Contains(hub.Events(), e => e.Type == EventTypes.LinkUp && e.InstrumentId == "reception-1");
    }

    [Fact]
    public async Task An_unplugged_serial_scanner_goes_down_and_is_reopened_when_it_comes_back()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        using var dir = new ScratchDirectory("scanner-replug");
        var cable = await SocatPtyPair.StartAsync(dir.Path);
        await using var gw = await GatewayUnderTest.StartAsync(broker, configure: WithScanner(new ScannerConfig
        {
            Id = "bench-2",
            Type = "serial",
            Path = cable.GatewayEnd,
            Station = "hematology",
        }));
        await Eventually.TrueAsync(() => LinkIs(gw.App, "bench-2", "up"), "scanner link up");

        await cable.UnplugAsync();
        await cable.DisposeAsync();
        await Eventually.TrueAsync(() => LinkIs(gw.App, "bench-2", "down"), "scanner link down after the unplug");
        await Eventually.TrueAsync(() => EventRows(gw.App).Any(e => e.Type == EventTypes.LinkDown && e.InstrumentId == "bench-2"), "a link-down event row");

        // Plugged in again (a new socat at the same by-id-like path): the runner's backoff finds it by itself.
        foreach (var stale in new[] { Path.Combine(dir.Path, "analyzer"), Path.Combine(dir.Path, "gateway") })
            if (File.Exists(stale) || new FileInfo(stale).LinkTarget is not null) File.Delete(stale);
        await using var replugged = await SocatPtyPair.StartAsync(dir.Path);
        await Eventually.TrueAsync(() => LinkIs(gw.App, "bench-2", "up"), () => $"scanner link up again (log: {string.Join('\n', gw.App.Logs.Tail(20))})", TimeSpan.FromSeconds(60));
        await using var scanner = new SerialTransport(new SerialPortSettings(replugged.InstrumentEnd)).Open();
        await scanner.WriteAsync(Encoding.ASCII.GetBytes("2611210015\r"));
        await Eventually.TrueAsync(() => EventRows(gw.App).Any(e => e.Type == EventTypes.TubeScan && e.Data[TubeScanEventSink.SpecimenKey] == "2611210015"),
            "the scan after the replug committed");
    }

    [Fact]
    public async Task An_evdev_scanner_replayed_through_a_fifo_is_read_without_a_grab_and_its_scans_committed()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        using var dir = new ScratchDirectory("scanner-evdev");
        var fifo = dir.File("event-kbd");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        await using var gw = await GatewayUnderTest.StartAsync(broker, configure: WithScanner(new ScannerConfig
        {
            Id = "reception-usb",
            Type = "evdev",
            Path = fifo,
            Station = "reception",
            Layout = "ru",
        }));
        await Eventually.TrueAsync(() => LinkIs(gw.App, "reception-usb", "up"), () => $"evdev scanner link up (log: {string.Join('\n', gw.App.Logs.Tail(20))})");
        Assert.Contains(gw.App.Logs.Tail(200), l => l.Contains("is not an evdev input device", StringComparison.Ordinal));

        // A recorded HID scanner burst: EV_MSC scan code, EV_KEY press, EV_SYN, EV_KEY release, EV_SYN per key; Enter ends it.
        var size = EvdevScanDecoder.PlatformEventSize;
        var recording = new List<byte>();
        void Key(ushort code)
        {
            recording.AddRange(EvdevScanDecoder.Encode(0x04, 0x04, 0x70000 + code, size));
            recording.AddRange(EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, code, EvdevScanDecoder.KeyPress, size));
            recording.AddRange(EvdevScanDecoder.Encode(0x00, 0x00, 0, size));
            recording.AddRange(EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, code, EvdevScanDecoder.KeyRelease, size));
            recording.AddRange(EvdevScanDecoder.Encode(0x00, 0x00, 0, size));
        }
        // "2611210023": KEY_1…KEY_0 are codes 2…11.
        foreach (var c in "2611210023") Key((ushort)(c == '0' ? 11 : c - '0' + 1));
        Key(KeyboardLayout.KeyEnter);
        await using (var device = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
        {
            await device.WriteAsync(recording.ToArray());
            await Eventually.TrueAsync(() => EventRows(gw.App).Any(e => e.Type == EventTypes.TubeScan),
                () => $"a tube-scan row (log: {string.Join('\n', gw.App.Logs.Tail(20))})");
        }
        var scan = Assert.Single(EventRows(gw.App), e => e.Type == EventTypes.TubeScan);
        Assert.Equal("2611210023", scan.Data[TubeScanEventSink.SpecimenKey]);
        Assert.Equal("reception-usb", scan.InstrumentId);
        Assert.Equal("reception", scan.Data[TubeScanEventSink.StationKey]);
        Assert.Equal(Lab, scan.Data[TubeScanEventSink.LabKey]);
    }
}
