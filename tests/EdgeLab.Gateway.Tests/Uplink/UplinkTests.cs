using System.Text;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.Instruments.Outbound;
using EdgeLab.LocalServices;
using EdgeLab.Testing;

namespace EdgeLab.Gateway.Tests.Uplink;

/// <summary>The uplink against a real Mosquitto, the test playing the hub.</summary>
public sealed class UplinkTests
{
    [Fact]
    public async Task Publishes_with_the_message_id_property_and_keeps_each_row_until_the_hub_acks_it()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await HubPeer.StartAsync(broker, "test-gw01", autoAck: false);
        await using var gw = await GatewayUnderTest.StartAsync(broker);
        for (var i = 0; i < 3; i++)
            Assert.Equal(CommitOutcome.Committed, await gw.App.Outbox.CommitAsync(TestMessages.Result("xn-1", $"S{i}"), default));

        await Eventually.TrueAsync(() => hub.Received.Count == 3, "three results at the hub");
        var first = hub.Messages.First(m => m.Topic == Topics.Results("test-gw01"));
        var payload = JsonSerializer.Deserialize(first.Payload.Span, WireJson.Default.ResultMessage)!;
        Assert.Equal(payload.MessageId, first.GetUserProperty(MessageId.UserPropertyName));
        Assert.Equal([$"test-gw01:{gw.App.Outbox.Epoch}:1", $"test-gw01:{gw.App.Outbox.Epoch}:2", $"test-gw01:{gw.App.Outbox.Epoch}:3"], hub.Received.Keys.Order());
        // The broker PUBACKed all three (they reached the hub through it), yet nothing is forgotten before the hub says so.
        await Eventually.TrueAsync(() => File.ReadAllText(gw.TracePath).Contains("\"event\":\"published\",\"seq\":3"), "published step traced");
        Assert.Equal(3, gw.App.Outbox.PendingRows);

        await hub.AckAsync(1, 2);
        await Eventually.TrueAsync(() => gw.App.Outbox.PendingRows == 1, () => $"two rows removed on the hub's ack (gateway log {string.Join('\n', gw.App.Logs.Tail(20))}, hub log {string.Join('\n', hub.Logs.Tail(20))})");
        Assert.Equal(3, Assert.Single(gw.App.Outbox.Reader.ReadPending(1, 10)).Sequence);
        var trace = File.ReadAllLines(gw.TracePath);
        Assert.Contains(trace, l => l.Contains("\"event\":\"acked\",\"seq\":2,\"instrument\":\"xn-1\""));
        Assert.Contains(trace, l => l.StartsWith("{\"event\":\"committed\",\"seq\":1,\"instrument\":\"xn-1\",\"at\":\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resends_what_the_hub_has_not_acked_after_the_ack_timeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await HubPeer.StartAsync(broker, "test-gw01", autoAck: false);
        await using var gw = await GatewayUnderTest.StartAsync(broker, time, ackTimeoutSeconds: 60);
        await gw.App.Outbox.CommitAsync(TestMessages.Result("xn-1", "S1"), default);
        await Eventually.TrueAsync(() => hub.Received.GetValueOrDefault($"test-gw01:{gw.App.Outbox.Epoch}:1") == 1, "first delivery");
        await Eventually.TrueAsync(() => File.ReadAllText(gw.TracePath).Contains("\"published\""), "PUBACK seen");

        time.Advance(TimeSpan.FromSeconds(61));
        await Eventually.TrueAsync(() => hub.Received.GetValueOrDefault($"test-gw01:{gw.App.Outbox.Epoch}:1") == 2, "the same message id again after the timeout");

        await hub.AckAsync(1);
        await Eventually.TrueAsync(() => gw.App.Outbox.PendingRows == 0, () => $"row removed on ack (gateway log {string.Join('\n', gw.App.Logs.Tail(20))}, hub log {string.Join('\n', hub.Logs.Tail(20))})");
        time.Advance(TimeSpan.FromSeconds(61));
        await hub.AckAsync(1); // a repeated ack is harmless
        Assert.Equal(0, gw.App.Outbox.PendingRows);
    }

    [Fact]
    public async Task With_the_broker_down_the_outbox_grows_and_the_status_shows_depth_and_age_on_reconnect()
    {
        // The broker is started once to own a port, then killed: the gateway starts against a port nothing listens on.
        await using var broker = await MosquittoProcess.StartAsync();
        await broker.AddUserAsync("test-gw01"); // while the broker still answers; the gateway's start takes the same user
        await broker.KillAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gw = await GatewayUnderTest.StartAsync(broker, time);
        for (var i = 0; i < 5; i++)
            Assert.Equal(CommitOutcome.Committed, await gw.App.Outbox.CommitAsync(TestMessages.Result("xn-1", $"S{i}"), default));
        Assert.Equal(5, gw.App.Outbox.PendingRows);
        Assert.Equal(5, gw.App.Uplink.Status.Build(online: true).OutboxDepth);

        time.Advance(TimeSpan.FromSeconds(7)); // the oldest message is now 7 s old on the gateway's clock
        await broker.RestartAsync();
        await using var hub = await HubPeer.StartAsync(broker, "test-gw01", autoAck: false);
        await Eventually.TrueAsync(() => hub.Statuses().Any(s => s.Online), "online status", TimeSpan.FromSeconds(30));
        var status = hub.Statuses().First(s => s.Online);
        // Nothing is acked (autoAck off), so depth and age stay what they were whether or not the drain has begun.
        Assert.Equal(5, status.OutboxDepth);
        Assert.Equal(7.0, status.OldestUnsentAgeSeconds);
        Assert.Equal(1, status.ConfigVersion);
        Assert.NotNull(status.DiskFreeBytes);
        // The gateway may have published the backlog before the hub subscribed (the broker drops those); the ack
        // timeout (60 s) brings them again. The resend check runs on a 15 s tick, so one more tick after the timeout
        // makes sure a check sees the clock past it.
        time.Advance(TimeSpan.FromSeconds(61));
        time.Advance(TimeSpan.FromSeconds(15));
        await Eventually.TrueAsync(() => hub.Received.Count == 5, () => $"backlog drained to the hub (has {hub.Received.Count}; in flight {gw.App.Uplink.Dispatcher!.InFlightCount}, now {time.GetUtcNow():O}, trace {File.ReadAllText(gw.TracePath)} gateway log {string.Join('\n', gw.App.Logs.Tail(20))}, hub log {string.Join('\n', hub.Logs.Tail(20))})");
    }

    [Fact]
    public async Task With_the_broker_down_committed_rows_leave_the_dispatcher_waiting_not_spinning()
    {
        // Issue 3: offline, a committed row used to wake the loop at once, every turn (nothing takes it until the broker
        // is back), spinning a core and piling up channel waiters — 1 GB resident after ten messages.
        await using var broker = await MosquittoProcess.StartAsync();
        await broker.AddUserAsync("test-gw01"); // while the broker still answers; the gateway's start takes the same user
        await broker.KillAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow); // the resend tick never fires: only signals turn the loop
        await using var gw = await GatewayUnderTest.StartAsync(broker, time);
        for (var i = 0; i < 5; i++)
            Assert.Equal(CommitOutcome.Committed, await gw.App.Outbox.CommitAsync(TestMessages.Result("xn-1", $"S{i}"), default));
        var dispatcher = gw.App.Uplink.Dispatcher!;
        var before = dispatcher.Turns;
        // Absence cannot be polled for: give a spinning loop a second of real time; it would turn millions of times.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var turns = dispatcher.Turns - before;
        Assert.True(turns < 100, $"the dispatcher turned {turns} times in a second with the broker down and nothing to do");
    }

    [Fact]
    public async Task Broker_killed_and_restarted_mid_drain_the_hub_ends_with_every_message_exactly_once()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await HubPeer.StartAsync(broker, "test-gw01", autoAck: true);
        await using var gw = await GatewayUnderTest.StartAsync(broker, ackTimeoutSeconds: 3);
        const int total = 2000;
        for (var i = 0; i < total; i++)
            await gw.App.Outbox.CommitAsync(TestMessages.Result($"xn-{i % 4}", $"S{i}"), default);

        await Eventually.TrueAsync(() => hub.Received.Count > 200, () => $"drain under way (hub has {hub.Received.Count}, gateway log {string.Join('\n', gw.App.Logs.Tail(10))}, hub log {string.Join("\n", hub.Logs.Tail(100_000).Take(25))})");
        await broker.KillAsync();
        await Task.Delay(200);
        await broker.RestartAsync();

        await Eventually.TrueAsync(() => gw.App.Outbox.PendingRows == 0,
            () => $"every row acked by the hub (pending {gw.App.Outbox.PendingRows}, in flight {gw.App.Uplink.Dispatcher!.InFlightCount}, hub has {hub.Received.Count}, client in flight {((EdgeLab.Mqtt.MqttClient)gw.App.Uplink.Client!).InFlightCount}, gw {gw.App.Uplink.Client!.State}, hub {hub.Client.State}, gateway log {string.Join('\n', gw.App.Logs.Tail(3))}, hub log {string.Join('\n', hub.Logs.Tail(30))})", TimeSpan.FromSeconds(60));
        var expected = Enumerable.Range(1, total).Select(s => $"test-gw01:{gw.App.Outbox.Epoch}:{s}").ToHashSet();
        Assert.Equal(total, hub.Received.Count);
        Assert.True(expected.SetEquals(hub.Received.Keys), "the hub holds exactly the outbox's message ids");
    }

    [Fact]
    public async Task Orders_from_the_hub_land_in_the_order_cache()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var gw = await GatewayUnderTest.StartAsync(broker);
        await using var hub = await HubPeer.StartAsync(broker, "test-gw01", autoAck: false);
        await Eventually.TrueAsync(() => hub.Statuses().Any(s => s.Online), "gateway subscribed");
        var order = new OrderMessage
        {
            Action = "upsert",
            OrderId = "R-77",
            SpecimenId = "0077007700",
            At = DateTimeOffset.UtcNow,
            Tests = [new OrderTest { Code = "CBC", InstrumentCodes = new Dictionary<string, string> { ["sysmex-xn"] = "WBC" } }],
        };
        await hub.PublishAsync(Topics.Orders("test-gw01"), JsonSerializer.SerializeToUtf8Bytes(order, WireJson.Default.OrderMessage));
        await Eventually.TrueAsync(() => gw.App.Orders.FindBySpecimenAsync("0077007700", default).AsTask().Result is not null, "order cached");
        Assert.Equal("R-77", (await gw.App.Orders.FindBySpecimenAsync("0077007700", default))!.OrderId);
    }

    [Fact]
    public async Task Ping_is_answered_on_the_response_topic_with_the_correlation_data()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var gw = await GatewayUnderTest.StartAsync(broker);
        await using var hub = await HubPeer.StartAsync(broker, "test-gw01", autoAck: false);
        await Eventually.TrueAsync(() => hub.Statuses().Any(s => s.Online), "gateway subscribed");
        var correlation = Encoding.ASCII.GetBytes("req-4711");
        await hub.PublishAsync(Topics.Command("test-gw01"),
            JsonSerializer.SerializeToUtf8Bytes(new CommandMessage { Name = CommandNames.Ping }, WireJson.Default.CommandMessage),
            Topics.CommandReply("test-gw01"), correlation);

        await Eventually.TrueAsync(() => hub.Messages.Any(m => m.Topic == Topics.CommandReply("test-gw01")), "reply");
        var reply = hub.Messages.First(m => m.Topic == Topics.CommandReply("test-gw01"));
        Assert.Equal(correlation, reply.CorrelationData!.Value.ToArray());
        var body = JsonSerializer.Deserialize(reply.Payload.Span, WireJson.Default.CommandReplyMessage)!;
        Assert.True(body.Ok);
        Assert.Equal("ping", body.Name);
        Assert.Equal("pong", body.Text);
        Assert.Equal("0", body.Data["outboxDepth"]);
    }

    [Fact]
    public async Task A_bad_configuration_is_rejected_naming_the_field_and_a_good_one_is_applied_and_reported()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var gw = await GatewayUnderTest.StartAsync(broker);
        await using var hub = await HubPeer.StartAsync(broker, "test-gw01", autoAck: true);
        await Eventually.TrueAsync(() => hub.Statuses().Any(s => s.Online), "gateway subscribed");
        var current = gw.App.Runtime.Config;

        var bad = GatewayConfigLoader.Serialize(current with { Mqtt = current.Mqtt with { Port = 70000 } });
        await PublishConfigAsync(hub, 2, bad);
        await Eventually.TrueAsync(() => hub.Events().Any(e => e.Type == EventTypes.ConfigRejected), "config-rejected event");
        Assert.Contains("mqtt.port: must be 1..65535", hub.Events().First(e => e.Type == EventTypes.ConfigRejected).Text);
        Assert.Equal(1, gw.App.Runtime.Config.ConfigVersion);

        var good = GatewayConfigLoader.Serialize(current with { Management = current.Management with { HeartbeatSeconds = 45 } });
        await PublishConfigAsync(hub, 3, good);
        await Eventually.TrueAsync(() => hub.Events().Any(e => e.Type == EventTypes.ConfigApplied), "config-applied event");
        Assert.Equal(3, gw.App.Runtime.Config.ConfigVersion);
        Assert.Equal(45, gw.App.Runtime.Config.Management.HeartbeatSeconds);
        await Eventually.TrueAsync(() => hub.Statuses().Any(s => s.ConfigVersion == 3), "status reports version 3");
        Assert.Contains("\"heartbeatSeconds\": 45", await File.ReadAllTextAsync(gw.ConfigPath));
    }

    private static Task PublishConfigAsync(HubPeer hub, long version, string document) =>
        hub.PublishAsync(Topics.Config("test-gw01"), JsonSerializer.SerializeToUtf8Bytes(
            new ConfigMessage { Version = version, Document = JsonDocument.Parse(document).RootElement }, WireJson.Default.ConfigMessage));
}
