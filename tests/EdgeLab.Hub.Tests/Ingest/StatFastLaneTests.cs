using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EdgeLab.Hub.Tests.Ingest;

/// <summary>
/// STAT results take the ingest fast lane (issue 10): queued behind a routine backlog, a STAT result is committed in
/// the first batch, on its own; it does not wait for a routine transaction in progress (PostgreSQL), nor behind the
/// routine backlog the broker has queued to the hub (its own session on …/results/stat); and a STAT correction never
/// lands before its routine original. Real database (SQLite file and PostgreSQL), real Mosquitto.
/// </summary>
public sealed class StatFastLaneTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_stat_result_queued_behind_a_routine_backlog_is_stored_first(string provider)
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync(provider);
        await using var connection = new HubMqttConnection(new HubMqttOptions { Host = broker.Host, Port = broker.Port, UserName = broker.HubCredentials.UserName, PasswordFile = broker.HubPasswordFile }, NullLogger<HubMqttConnection>.Instance, NullLoggerFactory.Instance, TimeProvider.System);
        using var dir = new ScratchDirectory("stat-lane");
        var trace = dir.File("ingest-trace.jsonl");
        var pipeline = new IngestPipeline(connection, hub.Writer, new IngestOptions { MaxBatchMessages = 64, TraceFile = trace }, TimeProvider.System, NullLogger<IngestPipeline>.Instance);

        // The backlog arrives before the writer runs (a hub restarting under a draining fleet), then one STAT result.
        for (var seq = 1; seq <= 300; seq++) await pipeline.EnqueueAsync(Received(Messages.Cbc(seq, $"R{seq:D4}")));
        var stat = Messages.Cbc(301, "STAT-1") with { Priority = "stat" };
        await pipeline.EnqueueAsync(Received(stat));

        var stored = await RunUntilStoredAsync(hub, pipeline, trace, 301, firstStored: stat.MessageId);
        Assert.Equal(301, stored.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_stat_correction_never_lands_before_its_routine_original_still_queued(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        await using var connection = Unconnected();
        using var dir = new ScratchDirectory("stat-order");
        var trace = dir.File("ingest-trace.jsonl");
        var pipeline = new IngestPipeline(connection, hub.Writer, new IngestOptions { MaxBatchMessages = 32, TraceFile = trace }, TimeProvider.System, NullLogger<IngestPipeline>.Instance);

        for (var seq = 1; seq <= 100; seq++) await pipeline.EnqueueAsync(Received(Messages.Cbc(seq, $"R{seq:D4}")));
        var original = Messages.Cbc(101, "SPEC-9", hgb: "13.5");
        await pipeline.EnqueueAsync(Received(original));
        for (var seq = 102; seq <= 200; seq++) await pipeline.EnqueueAsync(Received(Messages.Cbc(seq, $"R{seq:D4}")));
        var correction = Messages.Cbc(201, "SPEC-9", hgb: "14.0") with { Priority = "stat" };
        await pipeline.EnqueueAsync(Received(correction, Topics.StatResults(TestHub.Gateway)));
        var stat = Messages.Cbc(202, "STAT-1") with { Priority = "stat" };
        await pipeline.EnqueueAsync(Received(stat, Topics.StatResults(TestHub.Gateway)));

        var stored = await RunUntilStoredAsync(hub, pipeline, trace, 202, firstStored: stat.MessageId);
        Assert.True(stored.IndexOf(original.MessageId!) < stored.IndexOf(correction.MessageId!), "the STAT correction was committed before its routine original");
    }

    /// <summary>
    /// PostgreSQL runs the two lanes' transactions side by side: a STAT commits while a routine batch's transaction is
    /// held open (here by a test session holding the advisory lock of one of the batch's tubes — the lock every writer
    /// takes per specimen, <c>WriteLocks</c>). On the old single writer the STAT waited for that transaction.
    /// </summary>
    [Fact]
    public async Task On_postgresql_a_stat_result_commits_while_a_routine_transaction_is_still_open()
    {
        await using var hub = await TestHub.CreateAsync("postgres");
        await using var connection = Unconnected();
        using var dir = new ScratchDirectory("stat-pg");
        var trace = dir.File("ingest-trace.jsonl");
        var pipeline = new IngestPipeline(connection, hub.Writer, new IngestOptions { MaxBatchMessages = 64, TraceFile = trace }, TimeProvider.System, NullLogger<IngestPipeline>.Instance);
        await using var blocker = new NpgsqlConnection(hub.ConnectionString);
        await blocker.OpenAsync();
        await Sql(blocker, $"SELECT pg_advisory_lock({AdvisoryKey("specimen:R0001")})");

        for (var seq = 1; seq <= 50; seq++) await pipeline.EnqueueAsync(Received(Messages.Cbc(seq, $"R{seq:D4}")));
        await pipeline.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(async () => await Sql(blocker,
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") == 1,
                "the routine batch waiting inside its transaction", TimeSpan.FromSeconds(30));
            var stat = Messages.Cbc(51, "STAT-1") with { Priority = "stat" };
            await pipeline.EnqueueAsync(Received(stat, Topics.StatResults(TestHub.Gateway)));
            await Eventually.TrueAsync(() => pipeline.StoredMessages == 1, "the STAT result committed beside the open routine transaction", TimeSpan.FromSeconds(30));
            Assert.Equal([stat.MessageId], StoredIds(trace));

            await Sql(blocker, $"SELECT pg_advisory_unlock({AdvisoryKey("specimen:R0001")})::int");
            await Eventually.TrueAsync(() => pipeline.StoredMessages == 51, "the routine batch committed after the lock", TimeSpan.FromSeconds(30));
        }
        finally
        {
            await pipeline.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The broker's side: the hub acks a message only once it is queued, so with the routine queue full the main
    /// session's Receive Maximum window and the broker's queue hold the routine backlog, FIFO. A STAT result on
    /// …/results/stat comes in on the hub's STAT session past all of it and is the first committed.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_stat_result_on_its_own_topic_passes_the_routine_backlog_the_broker_holds_for_the_hub(string provider)
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync(provider);
        await using var connection = new HubMqttConnection(new HubMqttOptions { Host = broker.Host, Port = broker.Port, UserName = broker.HubCredentials.UserName, PasswordFile = broker.HubPasswordFile }, NullLogger<HubMqttConnection>.Instance, NullLoggerFactory.Instance, TimeProvider.System);
        using var dir = new ScratchDirectory("stat-session");
        var trace = dir.File("ingest-trace.jsonl");
        var pipeline = new IngestPipeline(connection, hub.Writer, new IngestOptions { MaxBatchMessages = 32, QueueCapacity = 32, TraceFile = trace }, TimeProvider.System, NullLogger<IngestPipeline>.Instance);
        await connection.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => connection.Subscriptions == 2, "both hub sessions subscribed", TimeSpan.FromSeconds(30));
        await using var gateway = await GatewayPeer.ConnectAsync(TestHub.Gateway, broker);

        // The writers are not running yet: 32 routine messages fill the queue, the rest wait in the broker and in the
        // main session's window — the backlog a STAT used to queue behind.
        for (var seq = 1; seq <= 300; seq++) await gateway.PublishAsync(Messages.Cbc(seq, $"R{seq:D4}"));
        await Eventually.TrueAsync(() => pipeline.Lanes.Queued(IngestLane.Routine) == 32, "the routine queue full", TimeSpan.FromSeconds(30));
        var stat = Messages.Cbc(301, "STAT-1") with { Priority = "stat" };
        await gateway.PublishAsync(Topics.StatResults(TestHub.Gateway), Messages.Json(stat), stat.MessageId);
        await Eventually.TrueAsync(() => pipeline.Lanes.Queued(IngestLane.Stat) == 1, "the STAT result received past the backlog", TimeSpan.FromSeconds(30));

        await RunUntilStoredAsync(hub, pipeline, trace, 301, firstStored: stat.MessageId);
        await gateway.WaitForAcksAsync([301], TimeSpan.FromSeconds(30));
        await connection.StopAsync(CancellationToken.None);
    }

    private static HubMqttConnection Unconnected() =>
        new(new HubMqttOptions(), NullLogger<HubMqttConnection>.Instance, NullLoggerFactory.Instance, TimeProvider.System);

    /// <summary>
    /// Runs the writers until <paramref name="count"/> messages are stored and asserts the STAT result was the first
    /// committed. SQLite has one writer that takes the STAT lane first at every turn, so there the order is the
    /// writer's own. On PostgreSQL the lanes' writers run side by side and which of two fresh transactions commits first
    /// is the scheduler's choice (on a loaded box the routine lane once committed three batches before the STAT lane's
    /// first); so the routine lane's first batch is held open — a test session holds the advisory lock of its first
    /// tube, R0001, the lock every writer takes per specimen — until the STAT result is stored: the case the fast lane
    /// exists for, a STAT arriving while a routine transaction is in progress.
    /// </summary>
    private static async Task<List<string?>> RunUntilStoredAsync(TestHub hub, IngestPipeline pipeline, string trace, int count, string? firstStored)
    {
        await using var blocker = hub.ConnectionString is { } cs ? new NpgsqlConnection(cs) : null;
        if (blocker is not null)
        {
            await blocker.OpenAsync();
            await Sql(blocker, $"SELECT pg_advisory_lock({AdvisoryKey("specimen:R0001")})");
        }
        await pipeline.StartAsync(CancellationToken.None);
        try
        {
            if (blocker is not null)
            {
                await Eventually.TrueAsync(() => pipeline.StoredMessages >= 1, "the STAT result stored while the routine lane is held", TimeSpan.FromSeconds(60));
                await Sql(blocker, $"SELECT pg_advisory_unlock({AdvisoryKey("specimen:R0001")})::int");
            }
            await Eventually.TrueAsync(() => pipeline.StoredMessages == count, $"all {count} messages stored", TimeSpan.FromSeconds(60));
        }
        finally
        {
            await pipeline.StopAsync(CancellationToken.None);
        }
        var stored = StoredIds(trace);
        Assert.True(stored.Count > 0 && stored[0] == firstStored, $"the STAT result was committed as number {stored.IndexOf(firstStored) + 1} of {stored.Count}; it must be the first");
        return stored;
    }

    private static List<string?> StoredIds(string trace) =>
        File.ReadAllLines(trace).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("messageId").GetString()).ToList();

    /// <summary>The advisory lock id the hub's WriteLocks takes for a key: SHA-256's first 8 bytes, big-endian.</summary>
    private static long AdvisoryKey(string key) => BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static async Task<long> Sql(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static MqttReceivedMessage Received(ResultMessage m, string? topic = null) => new()
    {
        Topic = topic ?? Topics.Results(m.GatewayId),
        Payload = JsonSerializer.SerializeToUtf8Bytes(m, WireJson.Default.ResultMessage),
        QualityOfService = MqttQualityOfService.AtLeastOnce,
        UserProperties = [new MqttUserProperty(MessageId.UserPropertyName, m.MessageId)],
    };
}
