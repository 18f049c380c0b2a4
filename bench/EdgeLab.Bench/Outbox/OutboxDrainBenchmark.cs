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
/// <c>stat</c> (issue 10): the same drain, the live results alternating STAT and routine, three times: to the stand-in
/// (the peer: gateway commit → broker → a receiver that acks), then through the real <c>edgelab-hub</c> on SQLite and
/// on PostgreSQL (gateway commit → broker → the hub's ingest fast lane → its database commit, read from its trace).
/// Prints STAT and routine p50/p99/max, the drain rate and the ratios (target: STAT p99 ≤ 50 ms end to end).
/// <c>EDGELAB_STAT_BACKLOG</c> picks a smaller backlog on a loaded machine.
/// </summary>
internal static class OutboxDrainBenchmark
{
    private const string GatewayId = "bench-gw01";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

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
        await DrainAsync(output, backlog: BenchSize.Pick(100_000, 2_000), stat: false, StandIn);
    }

    private static async Task<IDrainHub> StandIn(MosquittoProcess broker) => await BenchHub.StartAsync(broker);

    public static async Task RunStatAsync(TextWriter output)
    {
        var backlog = int.TryParse(Environment.GetEnvironmentVariable("EDGELAB_STAT_BACKLOG"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : BenchSize.Pick(100_000, 2_000);
        output.WriteLine($"== STAT priority: live results, every other one STAT, while a {backlog:N0}-message backlog drains ==");
        output.WriteLine("t0 = just before the gateway's outbox commit; t1 = arrival at the stand-in (peer) or the real hub's database commit (its --trace-file 'at')");
        output.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores");
        var rows = new List<DrainFigures>();
        output.WriteLine("-- peer: stand-in hub (receives and acks, stores nothing)");
        rows.Add(await DrainAsync(output, backlog, stat: true, StandIn));
        output.WriteLine("-- real edgelab-hub, SQLite (default)");
        rows.Add(await DrainAsync(output, backlog, stat: true, b => RealHub(b, postgres: false)));
        output.WriteLine("-- real edgelab-hub, PostgreSQL 15");
        rows.Add(await DrainAsync(output, backlog, stat: true, b => RealHub(b, postgres: true)));
        output.WriteLine();
        output.WriteLine($"{"receiver",-28} {"drain msg/s",11} | {"STAT p50",8} {"p99",7} {"max",7} | {"routine p50",11} {"p99",7} {"max",7} | routine/STAT p99 | STAT p99 / peer");
        var peer = rows[0];
        foreach (var r in rows)
            output.WriteLine($"{r.Receiver,-28} {r.DrainRate,11:N0} | {r.Stat.P50,8:0.0} {r.Stat.P99,7:0.0} {r.Stat.Max,7:0.0} | {r.Routine.P50,11:0.0} {r.Routine.P99,7:0.0} {r.Routine.Max,7:0.0} | {r.Routine.P99 / r.Stat.P99,16:0.0}x | {r.Stat.P99 / peer.Stat.P99,14:0.0}x");
        output.WriteLine("(latencies in ms; target: STAT p99 <= 50 ms through the real hub while the backlog drains)");
        output.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    }

    private static async Task<IDrainHub> RealHub(MosquittoProcess broker, bool postgres) => await RealHubDrainHub.StartAsync(broker, GatewayId, postgres);

    /// <summary>p50/p99/max in ms of one class of live results (NaN when none arrived).</summary>
    private sealed record LatencyFigures(double P50, double P99, double Max)
    {
        public static LatencyFigures Of(List<double> sorted) =>
            sorted.Count == 0 ? new(double.NaN, double.NaN, double.NaN) : new(Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1]);
    }

    private sealed record DrainFigures(string Receiver, double DrainRate, LatencyFigures Stat, LatencyFigures Routine);

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

    private static async Task<DrainFigures> DrainAsync(TextWriter output, int backlog, bool stat, Func<MosquittoProcess, Task<IDrainHub>> receiver)
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

        await using var hub = await receiver(broker);
        if (hub is BenchHub standIn) standIn.LastBacklogSequence = lastBacklogSequence;
        DrainFigures figures;
        var app = GatewayApp.Create(config, new GatewayAppOptions());
        await using (app)
        {
            var sw = Stopwatch.StartNew();
            await app.StartAsync();
            // Live results: analyzers finishing specimens now, twenty a second, committed the way the instrument pipeline
            // commits them (a result row, not an event), each with a specimen id the hub can recognise. They stop when
            // the backlog is drained: only results that had to get past the backlog count.
            using var drained = new CancellationTokenSource();
            var liveStarted = new ConcurrentDictionary<int, DateTimeOffset>();
            var liveTask = Task.Run(async () =>
            {
                for (var i = 0; !drained.IsCancellationRequested; i++)
                {
                    // Timed from before the commit: the hub may receive it before CommitAsync has returned here.
                    var started = DateTimeOffset.UtcNow;
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
                output.WriteLine($"  {sw.Elapsed.TotalSeconds:0} s: backlog at the receiver {hub.BacklogArrived:N0}, outbox pending {app.Outbox.PendingRows:N0}, in flight {app.Uplink.Dispatcher?.InFlightCount}");
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
            var backlogArrived = hub.BacklogArrived;
            output.WriteLine($"drain: {backlogArrived:N0} of {backlog:N0} backlog messages published at QoS 1, {hub.EndPoint} and acked end to end in {elapsed.TotalSeconds:0.00} s = {backlogArrived / elapsed.TotalSeconds:N0} msg/s (target >= 5,000)");
            var latencies = liveStarted.Where(l => hub.LiveArrived.ContainsKey(l.Key))
                .Select(l => (hub.LiveArrived[l.Key] - l.Value).TotalMilliseconds).Order().ToList();
            output.WriteLine($"live results committed during the drain: {liveCommitted}, arrived at the hub: {latencies.Count}");
            if (latencies.Count > 0)
                output.WriteLine($"live result commit->receiver latency: p50 {Percentile(latencies, 0.50):0} ms, p99 {Percentile(latencies, 0.99):0} ms, max {latencies[^1]:0} ms (target < 1000 ms)");
            List<double> Latencies(bool isStat) => liveStarted.Where(l => l.Key % 2 == 0 == isStat && hub.LiveArrived.ContainsKey(l.Key))
                .Select(l => (hub.LiveArrived[l.Key] - l.Value).TotalMilliseconds).Order().ToList();
            var statLatencies = Latencies(true);
            var routineLatencies = Latencies(false);
            figures = new DrainFigures(hub.Name, backlogArrived / elapsed.TotalSeconds, LatencyFigures.Of(statLatencies), LatencyFigures.Of(routineLatencies));
            if (stat)
            {
                if (statLatencies.Count > 0)
                    output.WriteLine($"STAT results ({statLatencies.Count}) commit->{hub.EndPoint}: p50 {Percentile(statLatencies, 0.50):0.0} ms, p99 {Percentile(statLatencies, 0.99):0.0} ms, max {statLatencies[^1]:0.0} ms (target p99 <= 50 ms)");
                if (hub.LiveReceived is { } handled)
                {
                    // Where a STAT result's time goes: gateway outbox + uplink + broker, then the hub's queue + transaction.
                    List<double> Split(bool toHandler) => liveStarted.Where(l => l.Key % 2 == 0 && hub.LiveArrived.ContainsKey(l.Key) && handled.ContainsKey(l.Key))
                        .Select(l => (toHandler ? handled[l.Key] - l.Value : hub.LiveArrived[l.Key] - handled[l.Key]).TotalMilliseconds).Order().ToList();
                    var (toHub, inHub) = (Split(true), Split(false));
                    if (toHub.Count > 0)
                        output.WriteLine($"  of which STAT commit->hub's MQTT handler: p50 {Percentile(toHub, 0.50):0.0} p99 {Percentile(toHub, 0.99):0.0} ms; handler->committed: p50 {Percentile(inHub, 0.50):0.0} p99 {Percentile(inHub, 0.99):0.0} ms");
                }
                if (routineLatencies.Count > 0)
                    output.WriteLine($"routine live results ({routineLatencies.Count}) commit->{hub.EndPoint}: p50 {Percentile(routineLatencies, 0.50):0.0} ms, p99 {Percentile(routineLatencies, 0.99):0.0} ms, max {routineLatencies[^1]:0.0} ms");
            }
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
        output.WriteLine($"(measured by: bench/run.sh {(stat ? "stat" : "outbox")})");
        return figures;
    }

    private const string LiveInstrument = "inst-3";
    internal const string LiveSpecimenPrefix = "LIVE";

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
    private sealed class BenchHub : IDrainHub
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
                        var now = DateTimeOffset.UtcNow;
                        Arrived.TryAdd(id.Sequence, 0);
                        if (LiveNumber(m.Payload.Span) is { } live) LiveArrived.TryAdd(live, now);
                        _toAck.Enqueue(id.Sequence);
                    }
                    return ValueTask.CompletedTask;
                },
            });
        }

        public ConcurrentDictionary<long, long> Arrived { get; } = new();

        /// <summary>Live result number (specimen LIVE{n}) → when it arrived.</summary>
        public ConcurrentDictionary<int, DateTimeOffset> LiveArrived { get; } = new();

        public string Name => "stand-in (peer)";
        public string EndPoint => "arrived at the stand-in";
        public ConcurrentDictionary<int, DateTimeOffset>? LiveReceived => null;

        /// <summary>Backlog sequences are the first ones (committed before the gateway started); live ones follow.</summary>
        public long LastBacklogSequence { get; set; } = long.MaxValue;

        public int BacklogArrived => Arrived.Keys.Count(s => s <= LastBacklogSequence);

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
            await hub._client.SubscribeAsync([new MqttSubscription { TopicFilter = Topics.Results(GatewayId) }, new MqttSubscription { TopicFilter = Topics.StatResults(GatewayId) }, new MqttSubscription { TopicFilter = Topics.Events(GatewayId) }]);
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
