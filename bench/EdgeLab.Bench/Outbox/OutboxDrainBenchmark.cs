using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Outbound;
using EdgeLab.Mqtt;

namespace EdgeLab.Bench.Outbox;

/// <summary>
/// The durable outbox and the uplink drain, measured on this machine:
/// 1. commit rate with fsync (synchronous=FULL), group commit vs one transaction per message (the peer), as a ratio;
/// 2. a 100,000-message backlog drained through a real Mosquitto and acknowledged end to end by a small hub peer,
///    while live results keep arriving — their latency from commit to the hub is printed beside the drain rate.
/// Targets (issue 4): drain ≥ 5,000 msg/s; live results at the hub within 1 s.
/// </summary>
internal static class OutboxDrainBenchmark
{
    private const string GatewayId = "bench-gw01";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public static async Task RunAsync(TextWriter output)
    {
        output.WriteLine("== Outbox: durable commit (WAL, synchronous=FULL) and end-to-end acked drain ==");
        var grouped = await CommitRateAsync(groupCommit: true, producers: 8, perProducer: 1000);
        var single = await CommitRateAsync(groupCommit: false, producers: 8, perProducer: 250);
        output.WriteLine($"commit, 8 instruments at once, group commit:        {grouped,10:N0} msg/s");
        output.WriteLine($"commit, 8 instruments at once, one fsync per message: {single,8:N0} msg/s   (peer)");
        output.WriteLine($"ratio group/one-by-one: {grouped / single:0.0}x");
        await DrainAsync(output, backlog: 100_000);
    }

    private static async Task<double> CommitRateAsync(bool groupCommit, int producers, int perProducer)
    {
        var dir = TempDir();
        try
        {
            await using var store = OutboxStore.Open(new OutboxOptions { DatabasePath = Path.Combine(dir, "gateway.db"), GatewayId = GatewayId, GroupCommit = groupCommit, MaxRows = long.MaxValue, MaxBytes = long.MaxValue });
            var sw = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
            {
                for (var i = 0; i < perProducer; i++)
                    if (await store.CommitAsync(Message($"inst-{p}", $"S{p}-{i}"), default) != CommitOutcome.Committed) throw new InvalidOperationException("commit refused");
            })));
            return producers * perProducer / sw.Elapsed.TotalSeconds;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task DrainAsync(TextWriter output, int backlog)
    {
        var dir = TempDir();
        using var broker = await BenchBroker.StartAsync();
        var config = new GatewayConfig
        {
            GatewayId = GatewayId,
            DataDirectory = Path.Combine(dir, "data"),
            ProfilesDirectory = Directory.CreateDirectory(Path.Combine(dir, "profiles")).FullName,
            Mqtt = new MqttConfig { Host = "127.0.0.1", Port = broker.Port },
            Outbox = new OutboxConfig { MaxRows = 10_000_000, AckTimeoutSeconds = 60, MaxInFlight = 2000 },
        };
        // Fill the backlog first (the uplink was down for hours), with the store the gateway will open.
        await using (var store = OutboxStore.Open(new OutboxOptions { DatabasePath = GatewayApp.DatabasePath(config), GatewayId = GatewayId, MaxRows = long.MaxValue, MaxBytes = long.MaxValue }))
        {
            var fill = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 32).Select(p => Task.Run(async () =>
            {
                for (var i = p; i < backlog; i += 32) await store.CommitAsync(Message($"inst-{p % 8}", $"B{i}"), default);
            })));
            output.WriteLine($"backlog of {backlog:N0} committed in {fill.Elapsed.TotalSeconds:0.0} s (32 producers)");
        }

        await using var hub = await BenchHub.StartAsync(broker.Port);
        var app = GatewayApp.Create(config, new GatewayAppOptions());
        await using (app)
        {
            var sw = Stopwatch.StartNew();
            await app.StartAsync();
            var live = new List<(long Seq, long CommittedAt)>();
            var liveTask = Task.Run(async () =>
            {
                for (var i = 0; app.Outbox.PendingRows > 0 && sw.Elapsed < Limit; i++)
                {
                    await Task.Delay(100);
                    // Timed from before the commit: the hub may receive it before CommitAsync has returned here.
                    var started = Stopwatch.GetTimestamp();
                    var seq = await app.Outbox.AddEventAsync(new GatewayEvent(EventTypes.TubeScan, "live-1", DateTimeOffset.UtcNow, $"live {i}"));
                    if (seq is { } s) lock (live) live.Add((s, started));
                }
            });
            var nextReport = TimeSpan.FromSeconds(5);
            while (app.Outbox.PendingRows > 0 && sw.Elapsed < Limit)
            {
                await Task.Delay(10);
                if (sw.Elapsed < nextReport) continue;
                nextReport += TimeSpan.FromSeconds(5);
                output.WriteLine($"  {sw.Elapsed.TotalSeconds:0} s: hub has {hub.Arrived.Count:N0}, outbox pending {app.Outbox.PendingRows:N0}, in flight {app.Uplink.Dispatcher?.InFlightCount}");
            }
            if (app.Outbox.PendingRows > 0) output.WriteLine($"drain NOT finished within {Limit.TotalSeconds:0} s: {app.Outbox.PendingRows:N0} rows still pending");
            var elapsed = sw.Elapsed;
            await liveTask;
            await app.StopAsync();
            var delivered = hub.Arrived.Count;
            output.WriteLine($"drain: {delivered:N0} messages published at QoS 1 and acked end to end by the hub in {elapsed.TotalSeconds:0.00} s = {delivered / elapsed.TotalSeconds:N0} msg/s (target >= 5,000)");
            var latencies = live.Where(l => hub.Arrived.ContainsKey(l.Seq))
                .Select(l => Stopwatch.GetElapsedTime(l.CommittedAt, hub.Arrived[l.Seq]).TotalMilliseconds).Order().ToList();
            if (latencies.Count > 0)
                output.WriteLine($"live results during the drain: {latencies.Count} sent, commit->hub latency p50 {latencies[latencies.Count / 2]:0} ms, max {latencies[^1]:0} ms (target < 1000 ms)");
        }
        Directory.Delete(dir, recursive: true);
        output.WriteLine("(measured by: dotnet run -c Release --project bench/EdgeLab.Bench -- outbox)");
    }

    private static string TempDir() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"edgelab-bench-outbox-{Guid.NewGuid():N}"[..36])).FullName;

    private static ReceivedMessage Message(string instrument, string specimen)
    {
        var now = DateTimeOffset.UtcNow;
        var raw = Encoding.ASCII.GetBytes($"\u00021H|\\^&|||XN^BENCH\r\u00032A\r\n\u00022O|1||{specimen}\rR|1|^^^^WBC|5.2|10*3/uL||N||F\r\u00033B\r\n");
        return new ReceivedMessage
        {
            InstrumentId = instrument,
            Profile = "sysmex-xn",
            Protocol = "astm",
            ReceivedAt = now,
            Transcript = new Transcript([new TranscriptChunk(now, TranscriptDirection.FromInstrument, raw)]),
            Decoded = new DecodedMessage
            {
                Profile = "sysmex-xn",
                SpecimenId = specimen,
                Kind = "patient",
                Results = [new DecodedResult { Code = "WBC", Value = "5.2", Numeric = 5.2m, Units = "10*3/uL", Status = "F" }],
            },
        };
    }

    /// <summary>The hub's part: receive results, ack them in batches (as the hub commits in batches).</summary>
    private sealed class BenchHub : IAsyncDisposable
    {
        private readonly MqttClient _client;
        private readonly ConcurrentQueue<long> _toAck = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _acker = Task.CompletedTask;

        private BenchHub(int port)
        {
            _client = new MqttClient(new MqttClientOptions
            {
                Host = "127.0.0.1",
                Port = port,
                ClientId = "bench-hub",
                ReceiveMaximum = 1000,
                OnMessage = m =>
                {
                    if (MessageId.TryParse(m.GetUserProperty(MessageId.UserPropertyName), out var id))
                    {
                        Arrived.TryAdd(id.Sequence, Stopwatch.GetTimestamp());
                        _toAck.Enqueue(id.Sequence);
                    }
                    return ValueTask.CompletedTask;
                },
            });
        }

        public ConcurrentDictionary<long, long> Arrived { get; } = new();

        public static async Task<BenchHub> StartAsync(int port)
        {
            var hub = new BenchHub(port);
            await hub._client.ConnectAsync();
            await hub._client.SubscribeAsync([new MqttSubscription { TopicFilter = Topics.Results(GatewayId) }, new MqttSubscription { TopicFilter = Topics.Events(GatewayId) }]);
            hub._acker = Task.Run(hub.AckLoopAsync);
            return hub;
        }

        private async Task AckLoopAsync()
        {
            var batch = new List<long>(1000);
            while (!_stop.IsCancellationRequested)
            {
                batch.Clear();
                while (batch.Count < 1000 && _toAck.TryDequeue(out var s)) batch.Add(s);
                if (batch.Count == 0)
                {
                    await Task.Delay(5);
                    continue;
                }
                await _client.PublishAsync(new MqttApplicationMessage
                {
                    Topic = Topics.Ack(GatewayId),
                    Payload = JsonSerializer.SerializeToUtf8Bytes(new AckMessage { GatewayId = GatewayId, Sequences = batch.ToArray(), At = DateTimeOffset.UtcNow }, WireJson.Default.AckMessage),
                });
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _acker;
            await _client.DisposeAsync();
            _stop.Dispose();
        }
    }
}
