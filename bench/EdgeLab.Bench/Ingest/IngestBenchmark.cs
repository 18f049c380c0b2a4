using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Linking;
using EdgeLab.Hub.Store;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;

namespace EdgeLab.Bench.Ingest;

/// <summary>
/// Hub ingest: (1) results/s through triage (JSON) + the batch writer (link, normalize, one transaction per batch with
/// per-message idempotency) on SQLite (WAL, synchronous=FULL) and on PostgreSQL (fsync on), and their ratio;
/// (2) failover: two real hub processes on one broker, one SIGKILLed while a gateway streams results.
/// </summary>
internal static class IngestBenchmark
{
    private const int Specimens = 1000;
    private const int MessagesPerRun = 20_000;
    private const int BatchSize = 512;
    private const int WarmUpBatches = 6;
    private static readonly string[] CbcCodes =
        ["WBC", "RBC", "HGB", "HCT", "MCV", "MCH", "MCHC", "PLT", "NEUT%", "LYMPH%", "MONO%", "EO%", "BASO%", "NEUT#", "LYMPH#", "MONO#", "EO#", "BASO#", "RDW-SD", "RDW-CV"];

    /// <summary>Typical Sysmex values for <see cref="CbcCodes"/> in the analyzer's units (critical values are the exception, not the load).</summary>
    private static readonly double[] NormalValues = [6.1, 4.6, 13.8, 41, 89, 30, 34.0, 250, 58, 30, 8, 3, 0.5, 3.5, 1.8, 0.5, 0.2, 0.03, 45, 13];

    /// <summary>The units a Sysmex XN sends with <see cref="CbcCodes"/> (a value without its unit is stored for review, not converted).</summary>
    private static readonly string[] Units =
        ["10*3/uL", "10*6/uL", "g/dL", "%", "fL", "pg", "g/dL", "10*3/uL", "%", "%", "%", "%", "%", "10*3/uL", "10*3/uL", "10*3/uL", "10*3/uL", "10*3/uL", "fL", "%"];

    public static async Task RunAsync(TextWriter output)
    {
        output.WriteLine("command: bench/run.sh ingest   (edgelab-bench ingest, Release)");
        output.WriteLine($"workload: {MessagesPerRun:N0} Sysmex XN CBC messages × {CbcCodes.Length} results, {Specimens} registered specimens, batches of ≤ {BatchSize} messages; every message re-reports a specimen, so each result also supersedes one (worst case)");
        if (BenchSize.Smoke)
        {
            output.WriteLine("EDGELAB_BENCH_SMOKE=1: the failover part only (the one that reaches the broker and the hub)");
            await FailoverAsync(output);
            return;
        }
        double sqlite, postgres;
        using (var dir = new ScratchDirectory("bench-sqlite"))
            sqlite = await MeasureAsync(new SqliteHubDatabase(Path.Combine(dir.Path, "hub.db")), "SQLite (WAL, synchronous=FULL)", output);
        await using (var pg = await PostgresProcess.StartAsync())
        {
            await using var db = new PostgresHubDatabase(pg.ConnectionString());
            postgres = await MeasureAsync(db, "PostgreSQL 15 (fsync=on)", output);
        }
        output.WriteLine($"targets: ≥ 50,000 results/s SQLite ({(sqlite >= 50_000 ? "met" : "NOT met")}), ≥ 30,000 PostgreSQL ({(postgres >= 30_000 ? "met" : "NOT met")}); SQLite/PostgreSQL = {sqlite / postgres:F2}×");
        await FailoverAsync(output);
    }

    private static async Task<double> MeasureAsync(IHubDatabase database, string label, TextWriter output)
    {
        var catalog = CatalogLoader.LoadEmbedded();
        await database.MigrateAsync();
        var store = new HubStore(database, catalog, TimeProvider.System);
        await store.UpsertOrganizationAsync(new Organization { Id = "bench-clinic", Name = "Clinic", Kind = OrganizationKind.Clinic });
        await store.UpsertOrganizationAsync(new Organization { Id = "bench-lab", Name = "Lab", Kind = OrganizationKind.Lab });
        await store.UpsertGatewayAsync("bench-gw01", "bench-lab");
        var specimens = new List<string>();
        for (var i = 0; i < Specimens; i++)
        {
            var reg = await store.RegisterReferralAsync(new NewReferral
            {
                Patient = new Patient
                {
                    Id = HubId.New(),
                    ManagingOrganizationId = "bench-clinic",
                    Snils = Hub.Referrals.Snils.Complete((200_000_000 + i).ToString(CultureInfo.InvariantCulture)),
                    FamilyName = "Тестов",
                    GivenName = "Пациент",
                    Sex = i % 2 == 0 ? Sex.Female : Sex.Male,
                    BirthDate = new DateOnly(1970 + i % 40, 1, 1),
                },
                Referral = new Referral
                {
                    Id = HubId.New(),
                    PatientId = "",
                    OrderingOrganizationId = "bench-clinic",
                    PractitionerName = "Врач",
                    PerformingLabId = "bench-lab",
                    TestCodes = CbcCodes,
                    Status = ReferralStatus.Active,
                },
                Specimens = [("blood-edta", CbcCodes)],
            });
            specimens.Add(reg.Registered!.Specimens[0].Id);
        }
        var payloads = Enumerable.Range(1, MessagesPerRun).Select(seq => JsonSerializer.SerializeToUtf8Bytes(Message(seq, specimens[seq % Specimens]), WireJson.Default.ResultMessage)).ToList();
        var writer = new IngestWriter(database, catalog, TimeProvider.System);

        // Warm-up on a separate sequence range: a hub runs for months, so the figure is its steady state — tiered JIT
        // done (a few thousand calls per hot method) and the connection pool filled — not its first seconds.
        for (var round = 0; round < WarmUpBatches; round++)
        {
            var first = MessagesPerRun + 1 + round * BatchSize;
            await writer.WriteAsync(Enumerable.Range(first, BatchSize)
                .Select(seq => Triage(JsonSerializer.SerializeToUtf8Bytes(Message(seq, specimens[seq % Specimens]), WireJson.Default.ResultMessage), seq)).ToList());
        }
        await Task.Delay(TimeSpan.FromSeconds(1)); // lets the tier-1 JIT of the methods just made hot finish in the background

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var results = 0;
        for (var start = 0; start < payloads.Count; start += BatchSize)
        {
            var batch = new List<IngestEnvelope>(BatchSize);
            for (var i = start; i < Math.Min(payloads.Count, start + BatchSize); i++) batch.Add(Triage(payloads[i], i + 1));
            results += (await writer.WriteAsync(batch)).Results;
        }
        clock.Stop();
        var perSecond = results / clock.Elapsed.TotalSeconds;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        // CPU per result (this process: triage, linking, the driver, and SQLite itself when in-process) moves far less
        // with the machine's load than the wall-clock rate does; the load average says how busy the box was.
        output.WriteLine($"{label}: {results:N0} results in {clock.Elapsed.TotalSeconds:F2} s = {perSecond:N0} results/s ({payloads.Count / clock.Elapsed.TotalSeconds:N0} messages/s); " +
                         $"hub CPU {cpu.TotalMilliseconds * 1000 / results:F1} µs/result; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        return perSecond;
    }

    private static IngestEnvelope Triage(byte[] payload, long seq) =>
        PayloadTriage.Triage(Topics.Results("bench-gw01"), payload, $"bench-gw01:{seq}", DateTimeOffset.UtcNow)!;

    private static ResultMessage Message(long seq, string specimen) => new()
    {
        MessageId = $"bench-gw01:{seq}",
        GatewayId = "bench-gw01",
        Sequence = seq,
        InstrumentId = "xn-1",
        Profile = "sysmex-xn",
        Protocol = "astm",
        Kind = "patient",
        SpecimenId = specimen,
        ReceivedAt = DateTimeOffset.UtcNow,
        TranscriptSha256 = new string('0', 64),
        // The factor changes from one re-report of a specimen to the next (seq / Specimens), so every result really
        // supersedes one; an identical re-report would be a retransmission and store nothing (the worst case is a change).
        Results = CbcCodes.Select((c, k) => new ResultItem { Code = c, Value = (NormalValues[k] * (0.95 + seq / Specimens % 10 / 100.0)).ToString("F4", CultureInfo.InvariantCulture), Units = Units[k], Status = "F" }).ToList(),
    };

    /// <summary>
    /// Two hub nodes (SQLite) behind one Mosquitto; a gateway publishes a result every 5 ms. At SIGKILL of one node the
    /// broker routes the shared subscription to the survivor; messages in flight to the dead node return through the
    /// gateway's resend (here after 1 s without an end-to-end ack).
    /// </summary>
    private static async Task FailoverAsync(TextWriter output)
    {
        await using var broker = await MosquittoProcess.StartAsync();
        using var dir = new ScratchDirectory("bench-failover");
        var catalog = CatalogLoader.LoadEmbedded();
        var db = new SqliteHubDatabase(Path.Combine(dir.Path, "hub.db"));
        await db.MigrateAsync();
        var store = new HubStore(db, catalog, TimeProvider.System);
        await store.UpsertOrganizationAsync(new Organization { Id = "bench-lab", Name = "Lab", Kind = OrganizationKind.Lab });
        await store.UpsertGatewayAsync("bench-gw01", "bench-lab");
        ChildProcess Node(string n) => EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", "--roles", "ingest", "--data", dir.Path, .. broker.HubArguments, "--urls", $"http://127.0.0.1:{FreeTcpPort.Next()}"], name: n);
        await using var a = Node("hub-a");
        await using var b = Node("hub-b");
        foreach (var node in new[] { a, b })
            while (!node.Output.Contains("Ingest subscribed", StringComparison.Ordinal)) await Task.Delay(20);

        var sent = new Dictionary<long, long>();
        var acked = new Dictionary<long, long>();
        var gate = new object();
        var clock = Stopwatch.StartNew();
        var credentials = await broker.AddUserAsync("bench-gw01"); // no anonymous clients (issue 9)
        await using var gw = new MqttClient(new MqttClientOptions
        {
            Host = broker.Host,
            Port = broker.Port,
            ClientId = "bench-gw01",
            UserName = credentials.UserName,
            Password = Encoding.UTF8.GetBytes(credentials.Password),
            OnMessage = m =>
            {
                var ack = JsonSerializer.Deserialize(m.Payload.Span, WireJson.Default.AckMessage)!;
                lock (gate) foreach (var s in ack.Sequences) acked.TryAdd(s, clock.ElapsedMilliseconds);
                return ValueTask.CompletedTask;
            },
        });
        await gw.ConnectAsync();
        await gw.SubscribeAsync([new MqttSubscription { TopicFilter = Topics.Ack("bench-gw01") }]);
        Task Publish(long seq) => gw.PublishAsync(new MqttApplicationMessage
        {
            Topic = Topics.Results("bench-gw01"),
            Payload = JsonSerializer.SerializeToUtf8Bytes(Message(seq, "00000000013"), WireJson.Default.ResultMessage),
            UserProperties = [new MqttUserProperty(MessageId.UserPropertyName, $"bench-gw01:{seq}")],
        });
        long killAt = 0, seqAtKill = 0;
        for (long seq = 1; seq <= 1200; seq++)
        {
            lock (gate) sent[seq] = clock.ElapsedMilliseconds;
            await Publish(seq);
            if (seq == 400) { killAt = clock.ElapsedMilliseconds; seqAtKill = seq; a.Signal(PosixSignals.SIGKILL); }
            await Task.Delay(5);
            if (seq % 200 == 0) await Resend();
        }
        var deadline = clock.ElapsedMilliseconds + 30_000;
        while (clock.ElapsedMilliseconds < deadline && !await Resend()) await Task.Delay(200);

        async Task<bool> Resend()
        {
            List<long> missing;
            lock (gate) missing = sent.Keys.Where(s => !acked.ContainsKey(s) && clock.ElapsedMilliseconds - sent[s] > 1000).ToList();
            foreach (var s in missing) await Publish(s);
            lock (gate) return acked.Count == sent.Count;
        }

        long firstAfterKill, allBack;
        lock (gate)
        {
            firstAfterKill = acked.Where(kv => kv.Key > seqAtKill).Select(kv => kv.Value).DefaultIfEmpty(-1).Min() - killAt;
            allBack = acked.Values.Max() - killAt;
        }
        output.WriteLine($"failover (2 nodes, SQLite, 200 msg/s): first result after SIGKILL acked {firstAfterKill} ms after the kill; " +
                         $"all {sent.Count} messages acked {allBack} ms after it (gateway resend after 1 s without ack); lost 0 (= {acked.Count}/{sent.Count} acked)");
        output.WriteLine($"target: ingestion resumes ≤ 2 s after a node is killed ({(firstAfterKill >= 0 && firstAfterKill <= 2000 ? "met" : "NOT met")})");
    }
}
