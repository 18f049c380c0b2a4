using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Outbound;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.Uplink;

/// <summary>
/// STAT (emergency) results jump the outbox queue (issue 10): a real outbox, a real Mosquitto, the uplink cut by
/// pointing it at a port where a socat TCP relay to the broker starts only later (the cable plugged back in).
/// </summary>
public sealed class StatPriorityTests
{
    /// <remarks>One gateway, one reconnect (its first-connect backoff makes each such test ~10 s).</remarks>
    [Fact]
    public async Task Stat_results_committed_behind_a_routine_backlog_while_offline_are_published_first_on_reconnect_keeping_specimen_order()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await HubPeer.StartAsync(broker, "test-gw01", autoAck: true);
        var relayPort = FreeTcpPort.Next();
        await using var gw = await GatewayUnderTest.StartAsync(broker,
            configure: c => c with { Mqtt = c.Mqtt with { Port = relayPort } });

        await CommitRoutineAsync(gw, 0, 150);
        // A routine first report of specimen STAT-2: the STAT correction below must not overtake it (guarantee 3).
        await gw.App.Outbox.CommitAsync(TestMessages.Result("xn-1", "STAT-2", value: "30.0"), default);
        await CommitRoutineAsync(gw, 150, 150);
        Assert.Equal(CommitOutcome.Committed, await gw.App.Outbox.CommitAsync(Stat(TestMessages.Result("xn-1", "STAT-1", value: "31.5")), default));
        await CommitRoutineAsync(gw, 300, 10);
        await gw.App.Outbox.CommitAsync(Stat(TestMessages.Result("xn-1", "STAT-2", value: "31.0")), default);
        await CommitRoutineAsync(gw, 310, 10);
        Assert.Equal(323, gw.App.Outbox.PendingRows);
        Assert.Equal(2, gw.App.Outbox.Reader.ReadPendingStat(10).Count);

        // The uplink comes back: a relay to the broker starts listening on the port the gateway keeps dialling.
        await using var relay = ChildProcess.Start(SocatPtyPair.Executable,
            [$"TCP-LISTEN:{relayPort},bind=127.0.0.1,reuseaddr,fork", $"TCP:127.0.0.1:{broker.Port}"], name: "socat-relay");

        await Eventually.TrueAsync(() => Results(hub).Count == 323, () => $"backlog drained (has {Results(hub).Count})", TimeSpan.FromSeconds(60));
        var order = Results(hub);
        // STAT rides …/results/stat (the hub reads it on its own session), and so does the routine original the STAT
        // correction takes ahead of it: one topic, one queue, original first.
        Assert.Equal(["STAT-1 31.5 stat results/stat", "STAT-2 30.0 - results/stat", "STAT-2 31.0 stat results/stat"],
            order.Take(3).Select(r => $"{r.Message.SpecimenId} {r.Message.Results[0].Value} {r.Message.Priority ?? "-"} {Leaf(r.Topic)}"));
        Assert.All(order.Skip(3), r => Assert.Null(r.Message.Priority));
        Assert.All(order.Skip(3), r => Assert.Equal(Topics.Results("test-gw01"), r.Topic));
    }

    [Fact]
    public async Task A_stat_correction_whose_original_is_still_in_flight_on_the_routine_topic_follows_it_there()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        // The hub acks nothing, so whatever is published stays in flight.
        await using var hub = await HubPeer.StartAsync(broker, "test-gw01", autoAck: false);
        await using var gw = await GatewayUnderTest.StartAsync(broker);

        await gw.App.Outbox.CommitAsync(TestMessages.Result("xn-1", "SPEC-1", value: "30.0"), default);
        await Eventually.TrueAsync(() => Results(hub).Count == 1, "the routine original published");
        // Its STAT correction must not take the other queue while the original is unacknowledged (guarantee 3) …
        await gw.App.Outbox.CommitAsync(Stat(TestMessages.Result("xn-1", "SPEC-1", value: "31.0")), default);
        // … while a STAT result of another specimen takes the STAT topic.
        await gw.App.Outbox.CommitAsync(Stat(TestMessages.Result("xn-1", "SPEC-2", value: "7.1")), default);
        await Eventually.TrueAsync(() => Results(hub).Count == 3, () => $"three results published (has {Results(hub).Count})");

        var topics = Results(hub).ToDictionary(r => $"{r.Message.SpecimenId} {r.Message.Results[0].Value}", r => Leaf(r.Topic));
        Assert.Equal("results", topics["SPEC-1 30.0"]);
        Assert.Equal("results", topics["SPEC-1 31.0"]);
        Assert.Equal("results/stat", topics["SPEC-2 7.1"]);
    }

    [Fact]
    public void The_outbox_keeps_the_priority_and_finds_stat_rows_by_its_index()
    {
        using var dir = new ScratchDirectory("outbox-prio");
        using var connection = OutboxDatabase.Open(Path.Combine(dir.Path, OutboxDatabase.FileName));
        OutboxDatabase.EnsureSchema(connection);
        OutboxDatabase.EnsureSchema(connection); // idempotent: the migration adds the column once
        using var plan = connection.CreateCommand();
        plan.CommandText = $"EXPLAIN QUERY PLAN SELECT seq FROM outbox WHERE priority = {OutboxPriority.Stat} ORDER BY seq LIMIT 64";
        using var r = plan.ExecuteReader();
        var steps = new List<string>();
        while (r.Read()) steps.Add(r.GetString(3));
        Assert.Contains(steps, s => s.Contains("outbox_priority", StringComparison.Ordinal));
    }

    /// <summary>Commits in parallel (one group commit, quick), so the uplink's reconnect backoff stays short.</summary>
    private static async Task CommitRoutineAsync(GatewayUnderTest gw, int from, int count)
    {
        var commits = Enumerable.Range(from, count).Select(i => gw.App.Outbox.CommitAsync(TestMessages.Result("xn-1", $"R{i:D4}"), default).AsTask()).ToList();
        Assert.All(await Task.WhenAll(commits), o => Assert.Equal(CommitOutcome.Committed, o));
    }

    private static ReceivedMessage Stat(ReceivedMessage m) => m with { Decoded = m.Decoded! with { Priority = ResultPriority.Stat } };

    private static List<(string Topic, ResultMessage Message)> Results(HubPeer hub) =>
        hub.Messages.Where(m => m.Topic == Topics.Results("test-gw01") || m.Topic == Topics.StatResults("test-gw01"))
            .Select(m => (m.Topic, JsonSerializer.Deserialize(m.Payload.Span, WireJson.Default.ResultMessage)!))
            .DistinctBy(m => m.Item2.MessageId).ToList();

    private static string Leaf(string topic) => Topics.TryParse(topic, out _, out var leaf) ? leaf : topic;
}
