using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Detection;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.Instruments.Transport;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.Detection;

/// <summary>
/// An instrument configured <c>profile: auto</c>, <c>baud: auto</c> inside the real gateway over a socat pty: the result
/// is committed to the SQLite outbox under the detected profile, announced as an <c>instrument-detected</c> event,
/// shown in the status, kept across a restart (no second detection), and forgotten by a reset. No broker runs; the
/// rows stay in the outbox where the test reads them. (Over a pty the first rate tried, 9600, hears the analyzer;
/// finding other rates is Instruments' AutoDetectOverPtyTests.)
/// </summary>
public sealed class AutoDetectPipelineTests
{
    private const string Id = "bench-1";

    [Fact]
    public async Task Detects_commits_announces_shows_keeps_across_a_restart_and_forgets_on_reset()
    {
        using var dir = new ScratchDirectory("gw-detect");
        await using var cable = await SocatPtyPair.StartAsync();
        var config = new GatewayConfig
        {
            GatewayId = "test-gw01",
            DataDirectory = dir.File("data"),
            ProfilesDirectory = Path.Combine(AppContext.BaseDirectory, "firmware-config", "instruments"),
            Mqtt = new MqttConfig { Host = "127.0.0.1", Port = FreeTcpPort.Next() },
            Instruments = [new InstrumentConfig { Id = Id, Profile = "auto", Transport = new TransportConfig { Type = "serial", Path = cable.GatewayEnd, Baud = TransportConfig.AutoBaud } }],
        };
        var capture = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "samples", "astm", "mindray_ba88a_results.astm"));

        await using (var gw = await StartAsync(config))
        {
            Assert.Equal("listening", Detection(gw)?.Stage);
            await using var analyzer = new SerialTransport(new SerialPortSettings(cable.InstrumentEnd)).Open();
            await BidAsync(analyzer, maxBids: 50);
            await SendFramesAsync(analyzer, capture);

            await Eventually.TrueAsync(() => Rows(gw, OutboxKinds.Result).Count == 1, () => string.Join('\n', gw.Logs.Tail(30)));
            var result = JsonSerializer.Deserialize(Rows(gw, OutboxKinds.Result)[0].Payload.Span, WireJson.Default.ResultMessage)!;
            Assert.Equal("mindray-ba88a", result.Profile);
            await Eventually.TrueAsync(() => Events(gw).Any(e => e.Type == EventTypes.InstrumentDetected), "the instrument-detected event row");
            var announced = Assert.Single(Events(gw), e => e.Type == EventTypes.InstrumentDetected);
            Assert.Equal(Id, announced.InstrumentId);
            Assert.Equal("mindray-ba88a", announced.Data["profile"]);
            Assert.Equal("9600", announced.Data["baud"]);
            Assert.Equal("8N1", announced.Data["framing"]);
            Assert.Equal("astm", announced.Data["protocol"]);
            Assert.Equal("H.5 'MINDRAY^BA-88A'", announced.Data["sender"]);
            Assert.Equal("detected astm at 9600 8N1 from H.5 'MINDRAY^BA-88A': profile mindray-ba88a", announced.Text);
            var shown = Detection(gw)!;
            Assert.Equal(("detected", 9600, "8N1", "astm", "mindray-ba88a", true), (shown.Stage, shown.Baud, shown.Framing, shown.Protocol, shown.Profile, shown.Matched));
            Assert.True(File.Exists(Path.Combine(config.DataDirectory, DetectionStore.FileName)));
        }

        await using (var gw = await StartAsync(config))
        {
            // Kept: shown at once, and the first bid is answered — no listening sweep, the profile's own link.
            Assert.Equal(("detected", "mindray-ba88a"), (Detection(gw)?.Stage, Detection(gw)?.Profile));
            await using var analyzer = new SerialTransport(new SerialPortSettings(cable.InstrumentEnd)).Open();
            await Eventually.TrueAsync(() => gw.Runtime.IsUp(Id), "the link up at the kept rate");
            // A reopened pty end sometimes drops the very first byte; the analyzer bids again as it would.
            await BidAsync(analyzer, maxBids: 10);
            await analyzer.WriteAsync(new byte[] { 0x04 });
            Assert.Contains(gw.Logs.Tail(200), l => l.Contains("starting with the kept auto-detection", StringComparison.Ordinal));
            Assert.DoesNotContain(gw.Logs.Tail(200), l => l.Contains("auto-detect: listening at", StringComparison.Ordinal));
            Assert.True(new DetectionStore(config.DataDirectory).Reset(Id));
        }

        await using (var gw = await StartAsync(config))
            Assert.Equal("listening", Detection(gw)?.Stage);
    }

    /// <summary>The gateway on a data directory that outlives it (GatewayUnderTest deletes its own), stopped on dispose.</summary>
    private sealed class RunningGateway(GatewayApp app) : IAsyncDisposable
    {
        public GatewayRuntime Runtime => app.Runtime;
        public OutboxStore Outbox => app.Outbox;
        public LogRing Logs => app.Logs;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    private static async Task<RunningGateway> StartAsync(GatewayConfig config)
    {
        var logs = new LogRing();
        var loggers = Microsoft.Extensions.Logging.LoggerFactory.Create(_ => { });
        loggers.AddProvider(logs);
        var app = GatewayApp.Create(config, new GatewayAppOptions { Loggers = loggers, Time = TimeProvider.System, MqttTime = TimeProvider.System }, logs);
        await app.StartAsync();
        return new RunningGateway(app);
    }

    private static InstrumentDetectionStatus? Detection(RunningGateway gw) => gw.Runtime.Links().Single(l => l.InstrumentId == Id).Detection;

    private static List<OutboxRow> Rows(RunningGateway gw, string kind) => gw.Outbox.Reader.ReadPending(1, 100).Where(r => r.Kind == kind).ToList();

    private static List<EventMessage> Events(RunningGateway gw) =>
        Rows(gw, OutboxKinds.Event).Select(r => JsonSerializer.Deserialize(r.Payload.Span, WireJson.Default.EventMessage)!).ToList();

    /// <summary>ENQ (then EOT when unanswered in 400 ms, as LIS01-A2 §6.5.2.1 has it after 15 s) until ACKed.</summary>
    private static async Task BidAsync(Stream analyzer, int maxBids)
    {
        for (var bid = 0; bid < maxBids; bid++)
        {
            await analyzer.WriteAsync(new byte[] { 0x05 });
            if (await ReadByteAsync(analyzer, TimeSpan.FromMilliseconds(400)) is { } reply)
            {
                Assert.Equal(0x06, reply);
                return;
            }
            await analyzer.WriteAsync(new byte[] { 0x04 });
        }
        Assert.Fail($"no answer to {maxBids} ENQ bids");
    }

    private static async Task SendFramesAsync(Stream analyzer, byte[] capture)
    {
        var starts = Enumerable.Range(0, capture.Length).Where(i => capture[i] == 0x02).ToList();
        for (var k = 0; k < starts.Count; k++)
        {
            var end = k + 1 < starts.Count ? starts[k + 1] : Array.IndexOf(capture, (byte)0x04, starts[k]) is var eot and >= 0 ? eot : capture.Length;
            await analyzer.WriteAsync(capture.AsMemory(starts[k], end - starts[k]));
            Assert.Equal((byte)0x06, await ReadByteAsync(analyzer, TimeSpan.FromSeconds(10)));
        }
        await analyzer.WriteAsync(new byte[] { 0x04 });
    }

    private static async Task<byte?> ReadByteAsync(Stream s, TimeSpan timeout)
    {
        var one = new byte[1];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await s.ReadAsync(one, cts.Token) == 1 ? one[0] : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
