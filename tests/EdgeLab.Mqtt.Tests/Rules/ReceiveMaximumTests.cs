using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Tests.Support;
using EdgeLab.Testing;

namespace EdgeLab.Mqtt.Tests.Rules;

/// <summary>Flow control (§4.9): at most Receive Maximum unacknowledged QoS 1 PUBLISH [MQTT-3.3.4-7], nothing else held back [MQTT-3.3.4-8].</summary>
public sealed class ReceiveMaximumTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Never_more_publishes_in_flight_than_the_server_receive_maximum()
    {
        await using var broker = new ScriptedBroker();
        await using var client = new MqttClient(broker.Options());
        var connecting = client.ConnectAsync();
        var (peer, _) = await broker.AcceptConnectionAsync(properties: p => p.ReceiveMaximum = 5);
        Assert.Equal(5, (await connecting).ServerReceiveMaximum);

        var tasks = Enumerable.Range(0, 12).Select(i => client.PublishAsync(new MqttApplicationMessage { Topic = "t", Payload = new byte[] { (byte)i } })).ToList();
        var first = new List<PublishPacket>();
        for (var i = 0; i < 5; i++) first.Add(await peer.ExpectAsync<PublishPacket>());
        await peer.ExpectNothingAsync(Quiet);

        // Each PUBACK opens exactly one slot.
        await peer.PubAckAsync(first[0].PacketId);
        var sixth = await peer.ExpectAsync<PublishPacket>();
        Assert.Equal(5, sixth.Payload.Span[0]);
        await peer.ExpectNothingAsync(Quiet);

        // A PUBACK with an error reason also ends the flow and frees the slot [MQTT-4.9.0-2]... and is reported, not thrown.
        await peer.PubAckAsync(first[1].PacketId, MqttPubAckReasonCode.NotAuthorized);
        Assert.Equal(MqttPubAckReasonCode.NotAuthorized, (await tasks[1]).ReasonCode);
        Assert.False((await tasks[1]).IsSuccess);
        await peer.ExpectAsync<PublishPacket>();
    }

    [Fact]
    public async Task Puback_for_an_incoming_message_and_pingreq_are_not_blocked_by_a_full_window()
    {
        var time = new FakeTimeProvider();
        await using var broker = new ScriptedBroker();
        var handled = new TaskCompletionSource<MqttReceivedMessage>();
        await using var client = new MqttClient(broker.Options(time: time, keepAlive: 20, onMessage: m =>
        {
            handled.TrySetResult(m);
            return ValueTask.CompletedTask;
        }));
        var connecting = client.ConnectAsync();
        var (peer, _) = await broker.AcceptConnectionAsync(properties: p => p.ReceiveMaximum = 2);
        await connecting;

        // Fill the window and queue more behind it.
        var tasks = Enumerable.Range(0, 6).Select(_ => client.PublishAsync(new MqttApplicationMessage { Topic = "t" })).ToList();
        await peer.ExpectAsync<PublishPacket>();
        await peer.ExpectAsync<PublishPacket>();

        // The server sends us a QoS 1 message: its PUBACK must go out although our window is full.
        await peer.SendAsync(new PublishPacket { Topic = "down", QoS = MqttQualityOfService.AtLeastOnce, PacketId = 77, Payload = new byte[] { 1 } });
        var ack = await peer.ExpectAsync<PubAckPacket>();
        Assert.Equal(77, ack.PacketId);
        Assert.Equal("down", (await handled.Task).Topic);

        // Keep alive fires: PINGREQ goes out too.
        time.Advance(TimeSpan.FromSeconds(15));
        await peer.ExpectAsync<PingReqPacket>();
        Assert.All(tasks, t => Assert.False(t.IsCompleted));
    }
}
