using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Outbound;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;
using Microsoft.Data.Sqlite;

namespace EdgeLab.Bench.Outbox;

/// <summary>
/// The durable outbox and the uplink drain, measured on this machine:
/// 1. commit rate with fsync (synchronous=FULL), group commit vs one transaction per message (the peer), as a ratio;
/// 2. a 100,000-message backlog drained through a real Mosquitto and acknowledged end to end by a small hub peer,
///    while live results keep arriving — their latency from commit to the hub is printed beside the drain rate.
/// Targets (issue 4): drain ≥ 5,000 msg/s; live results at the hub within 1 s.
/// <c>stat</c> (issue 10): the same drain, the live results alternating STAT and routine; prints STAT p50/p99 and
/// routine p99 (target: STAT p99 ≤ 50 ms). <c>EDGELAB_STAT_BACKLOG</c> picks a smaller backlog on a loaded machine.
/// </summary>
internal static class OutboxDrainBenchmark
{
    private const string GatewayId = "bench-gw01";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private const string BrokerConfig = """
        user root
        listener {{PORT}} 127.0.0.1
        allow_anonymous false
        password_file {{DATA}}/passwd
        log_dest stderr
        log_type error
        max_queued_messages 200000
        """;

    public static async Task RunAsync(TextWriter output)
    {
        output.WriteLine("== Outbox: durable commit (WAL, synchronous=FULL) and end-to-end acked drain ==");
        var grouped = await CommitRateAsync(groupCommit: true, producers: 8, perProducer: 1000);
        var single = await CommitRateAsync(groupCommit: false, producers: 8, perProducer: 250);
        output.WriteLine($"commit, 8 instruments at once, group commit:        {grouped,10:N0} msg/s");
        output.WriteLine($"commit, 8 instruments at once, one fsync per message: {single,8:N0} msg/s   (peer)");
        output.WriteLine($"ratio group/one-by-one: {grouped / single:0.0}x");
        await DrainAsync(output, backlog: BenchSize.Pick(100_000, 2_000), stat: false);
    }

    public static async Task RunStatAsync(TextWriter output)
    {
        var backlog = int.TryParse(Environment.GetEnvironmentVariable("EDGELAB_STAT_BACKLOG"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : BenchSize.Pick(100_000, 2_000);
        output.WriteLine($"== STAT priority: live results, every other one STAT, while a {backlog:N0}-message backlog drains ==");
        await DrainAsync(output, backlog, stat: true);
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

    private static async Task DrainAsync(TextWriter output, int backlog, bool stat)
    {
        var dir = TempDir();
        // The drain's own broker (a queue deep enough for the backlog), signing clients in as the dev broker does: no
        // anonymous clients (issue 9).
        await using var broker = await MosquittoProcess.StartAsync(BrokerConfig);
        var gatewayPasswordFile = broker.PasswordFileFor(await broker.AddUserAsync(GatewayId));
        var config = new GatewayConfig
        {
            GatewayId = GatewayId,
            DataDirectory = Path.Combine(dir, "data"),
            ProfilesDirectory = Directory.CreateDirectory(Path.Combine(dir, "profiles")).FullName,
            Mqtt = new MqttConfig { Host = broker.Host, Port = broker.Port, Username = GatewayId, PasswordFile = gatewayPasswordFile },
            Outbox = new OutboxConfig { MaxRows = 10_000_000, AckTimeoutSeconds = 60, MaxInFlight = 2000 },
        };
        // Fill the backlog first (the uplink was down for hours), with the store the gateway will open.
        long lastBacklogSequence;
        await using (var store = OutboxStore.Open(new OutboxOptions { DatabasePath = GatewayApp.DatabasePath(config), GatewayId = GatewayId, MaxRows = long.MaxValue, MaxBytes = long.MaxValue }))
        {
            var fill = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 32).Select(p => Task.Run(async () =>
            {
                for (var i = p; i < backlog; i += 32) await store.CommitAsync(Message($"inst-{p % 8}", $"B{i}"), default);
            })));
            output.WriteLine($"backlog of {backlog:N0} committed in {fill.Elapsed.TotalSeconds:0.0} s (32 producers)");
            lastBacklogSequence = store.LastCommittedSequence;
        }

        await using var hub = await BenchHub.StartAsync(broker);
        var app = GatewayApp.Create(config, new GatewayAppOptions());
        await using (app)
        {
            var sw = Stopwatch.StartNew();
            await app.StartAsync();
            // Live results: analyzers finishing specimens now, twenty a second, committed the way the instrument pipeline
            // commits them (a result row, not an event), each with a specimen id the hub can recognise. They stop when
            // the backlog is drained: only results that had to get past the backlog count.
            using var drained = new CancellationTokenSource();
            var liveStarted = new ConcurrentDictionary<int, long>();
            var liveTask = Task.Run(async () =>
            {
                for (var i = 0; !drained.IsCancellationRequested; i++)
                {
                    // Timed from before the commit: the hub may receive it before CommitAsync has returned here.
                    var started = Stopwatch.GetTimestamp();
                    var priority = stat && i % 2 == 0 ? ResultPriority.Stat : null;
                    if (await app.Outbox.CommitAsync(Message(LiveInstrument, LiveSpecimenPrefix + i.ToString(CultureInfo.InvariantCulture), priority), default) == CommitOutcome.Committed)
                        liveStarted[i] = started;
                    try
                    {
                        await Task.Delay(50, drained.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            });
            // Drained = no backlog row left in the outbox, i.e. every one acked end to end by the hub (live rows may be
            // pending, so the row count alone never says it). Asked of the database only near the end.
            await using var probe = new SqliteConnection($"Data Source={GatewayApp.DatabasePath(config)};Mode=ReadOnly;Pooling=False");
            await probe.OpenAsync();
            using var backlogLeft = probe.CreateCommand();
            backlogLeft.CommandText = "SELECT EXISTS(SELECT 1 FROM outbox WHERE seq <= $last)";
            backlogLeft.Parameters.AddWithValue("$last", lastBacklogSequence);
            var nextReport = TimeSpan.FromSeconds(5);
            var finished = false;
            while (sw.Elapsed < Limit)
            {
                await Task.Delay(10);
                if (app.Outbox.PendingRows < 5_000 && Convert.ToInt64(await backlogLeft.ExecuteScalarAsync(), CultureInfo.InvariantCulture) == 0)
                {
                    finished = true;
                    break;
                }
                if (sw.Elapsed < nextReport) continue;
                nextReport += TimeSpan.FromSeconds(5);
                output.WriteLine($"  {sw.Elapsed.TotalSeconds:0} s: hub has {hub.Arrived.Count:N0}, outbox pending {app.Outbox.PendingRows:N0}, in flight {app.Uplink.Dispatcher?.InFlightCount}");
            }
            var elapsed = sw.Elapsed;
            await drained.CancelAsync();
            await liveTask;
            var liveCommitted = liveStarted.Count;
            if (!finished) output.WriteLine($"drain NOT finished within {Limit.TotalSeconds:0} s: {app.Outbox.PendingRows:N0} rows still pending");
            // The last live results get their chance to arrive before the gateway stops.
            var grace = Stopwatch.StartNew();
            while (liveStarted.Keys.Any(k => !hub.LiveArrived.ContainsKey(k)) && grace.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(10);
            await app.StopAsync();
            var backlogArrived = hub.Arrived.Keys.Count(s => s <= lastBacklogSequence);
            output.WriteLine($"drain: {backlogArrived:N0} of {backlog:N0} backlog messages published at QoS 1 and acked end to end by the hub in {elapsed.TotalSeconds:0.00} s = {backlogArrived / elapsed.TotalSeconds:N0} msg/s (target >= 5,000)");
            var latencies = liveStarted.Where(l => hub.LiveArrived.ContainsKey(l.Key))
                .Select(l => Stopwatch.GetElapsedTime(l.Value, hub.LiveArrived[l.Key]).TotalMilliseconds).Order().ToList();
            output.WriteLine($"live results committed during the drain: {liveCommitted}, arrived at the hub: {latencies.Count}");
            if (latencies.Count > 0)
                output.WriteLine($"live result commit->hub latency: p50 {Percentile(latencies, 0.50):0} ms, p99 {Percentile(latencies, 0.99):0} ms, max {latencies[^1]:0} ms (target < 1000 ms)");
            if (stat)
            {
                List<double> Latencies(bool isStat) => liveStarted.Where(l => l.Key % 2 == 0 == isStat && hub.LiveArrived.ContainsKey(l.Key))
                    .Select(l => Stopwatch.GetElapsedTime(l.Value, hub.LiveArrived[l.Key]).TotalMilliseconds).Order().ToList();
                var statLatencies = Latencies(true);
                var routineLatencies = Latencies(false);
                if (statLatencies.Count > 0)
                    output.WriteLine($"STAT results ({statLatencies.Count}) commit->hub: p50 {Percentile(statLatencies, 0.50):0.0} ms, p99 {Percentile(statLatencies, 0.99):0.0} ms, max {statLatencies[^1]:0.0} ms (target p99 <= 50 ms)");
                if (routineLatencies.Count > 0)
                    output.WriteLine($"routine live results ({routineLatencies.Count}) commit->hub: p50 {Percentile(routineLatencies, 0.50):0.0} ms, p99 {Percentile(routineLatencies, 0.99):0.0} ms");
            }
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
        output.WriteLine($"(measured by: bench/run.sh {(stat ? "stat" : "outbox")})");
    }

    private const string LiveInstrument = "inst-3";
    private const string LiveSpecimenPrefix = "LIVE";

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string TempDir() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"edgelab-bench-outbox-{Guid.NewGuid():N}"[..36])).FullName;

    private static ReceivedMessage Message(string instrument, string specimen, string? priority = null)
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
                Priority = priority,
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

        private BenchHub(MosquittoProcess broker)
        {
            _client = new MqttClient(new MqttClientOptions
            {
                Host = broker.Host,
                Port = broker.Port,
                ClientId = "bench-hub",
                UserName = broker.HubCredentials.UserName,
                Password = Encoding.UTF8.GetBytes(broker.HubCredentials.Password),
                ReceiveMaximum = 1000,
                OnMessage = m =>
                {
                    if (MessageId.TryParse(m.GetUserProperty(MessageId.UserPropertyName), out var id))
                    {
                        var now = Stopwatch.GetTimestamp();
                        Arrived.TryAdd(id.Sequence, now);
                        if (LiveNumber(m.Payload.Span) is { } live) LiveArrived.TryAdd(live, now);
                        _toAck.Enqueue(id.Sequence);
                    }
                    return ValueTask.CompletedTask;
                },
            });
        }

        public ConcurrentDictionary<long, long> Arrived { get; } = new();

        /// <summary>Live result number (specimen LIVE{n}) → when it arrived.</summary>
        public ConcurrentDictionary<int, long> LiveArrived { get; } = new();

        private static readonly byte[] LiveMarker = Encoding.ASCII.GetBytes("\"" + LiveSpecimenPrefix);

        /// <summary>A byte search, not a JSON parse, so that recognising live results costs the hub almost nothing.</summary>
        private static int? LiveNumber(ReadOnlySpan<byte> payload)
        {
            var at = payload.IndexOf(LiveMarker);
            if (at < 0) return null;
            var digits = payload[(at + LiveMarker.Length)..];
            var end = digits.IndexOf((byte)'"');
            return end > 0 && int.TryParse(digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        }

        public static async Task<BenchHub> StartAsync(MosquittoProcess broker)
        {
            var hub = new BenchHub(broker);
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
