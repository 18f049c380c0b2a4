using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Tests.Support;

namespace EdgeLab.Mqtt.Tests.Rules;

/// <summary>What the client does when the server breaks the protocol: DISCONNECT with the reason, then close [MQTT-4.13.1-1].</summary>
public sealed class ProtocolErrorTests
{
    private static async Task<(ScriptedBroker, MqttClient, ScriptedPeer, Task<MqttDisconnectedInfo>)> ConnectAsync(
        uint maximumPacketSize = 4 * 1024 * 1024, ushort topicAliasMaximum = 0, List<MqttReceivedMessage>? received = null)
    {
        var broker = new ScriptedBroker();
        var client = new MqttClient(broker.Options(maximumPacketSize: maximumPacketSize, topicAliasMaximum: topicAliasMaximum, onMessage: m =>
        {
            received?.Add(m);
            return ValueTask.CompletedTask;
        }));
        var disconnected = new TaskCompletionSource<MqttDisconnectedInfo>();
        client.Disconnected += i => disconnected.TrySetResult(i);
        var connecting = client.ConnectAsync();
        var (peer, connect) = await broker.AcceptConnectionAsync();
        Assert.Equal(maximumPacketSize, connect.Properties.MaximumPacketSize);
        await connecting;
        return (broker, client, peer, disconnected.Task);
    }

    [Fact]
    public async Task A_forged_remaining_length_above_maximum_packet_size_is_a_protocol_error_not_an_allocation()
    {
        var (broker, client, peer, disconnected) = await ConnectAsync(maximumPacketSize: 1024);
        await using (broker)
        await using (client)
        {
            // PUBLISH with Remaining Length 268,435,455 (FF FF FF 7F) and no body behind it.
            await peer.SendRawAsync([0x30, 0xFF, 0xFF, 0xFF, 0x7F]);
            var disconnect = await peer.ExpectAsync<DisconnectPacket>();
            Assert.Equal(MqttDisconnectReasonCode.PacketTooLarge, disconnect.ReasonCode);
            await peer.ExpectClosedAsync();
            var info = await disconnected.WaitAsync(ScriptedPeer.Timeout);
            Assert.IsType<MqttProtocolException>(info.Exception);
        }
    }

    [Fact]
    public async Task A_topic_alias_when_we_allowed_none_is_a_protocol_error()
    {
        var (broker, client, peer, disconnected) = await ConnectAsync(topicAliasMaximum: 0);
        await using (broker)
        await using (client)
        {
            var publish = new PublishPacket { Topic = "a", QoS = MqttQualityOfService.AtMostOnce };
            publish.Properties.TopicAlias = 1;
            await peer.SendAsync(publish);
            Assert.Equal(MqttDisconnectReasonCode.TopicAliasInvalid, (await peer.ExpectAsync<DisconnectPacket>()).ReasonCode);
            await disconnected.WaitAsync(ScriptedPeer.Timeout);
        }
    }

    [Fact]
    public async Task Topic_aliases_we_allowed_are_resolved_and_do_not_survive_a_reconnect()
    {
        var received = new List<MqttReceivedMessage>();
        var (broker, client, peer, disconnected) = await ConnectAsync(topicAliasMaximum: 4, received: received);
        await using (broker)
        await using (client)
        {
            var set = new PublishPacket { Topic = "edgelab/v1/gw/a/orders", QoS = MqttQualityOfService.AtLeastOnce, PacketId = 1 };
            set.Properties.TopicAlias = 3;
            await peer.SendAsync(set);
            await peer.ExpectAsync<PubAckPacket>();
            var use = new PublishPacket { Topic = "", QoS = MqttQualityOfService.AtLeastOnce, PacketId = 2 };
            use.Properties.TopicAlias = 3;
            await peer.SendAsync(use);
            await peer.ExpectAsync<PubAckPacket>();
            Assert.Equal(["edgelab/v1/gw/a/orders", "edgelab/v1/gw/a/orders"], received.Select(m => m.Topic));

            peer.Drop();
            await disconnected.WaitAsync(ScriptedPeer.Timeout);
            var (again, _) = await broker.AcceptConnectionAsync();
            // The alias from the old connection means nothing on the new one [MQTT-3.3.2-7].
            await again.SendAsync(use);
            Assert.Equal(MqttDisconnectReasonCode.TopicAliasInvalid, (await again.ExpectAsync<DisconnectPacket>()).ReasonCode);
        }
    }

    [Fact]
    public async Task More_unacknowledged_incoming_publishes_than_our_receive_maximum_are_accepted_not_a_disconnect()
    {
        // [MQTT-3.3.4-9] forbids the server this; Mosquitto 2.0.11 does it anyway, and a DISCONNECT 0x93 would only
        // bring the same flood back on resume. So the client takes them, in order, and acknowledges each.
        await using var broker = new ScriptedBroker();
        var release = new TaskCompletionSource();
        var delivered = new List<ushort>();
        await using var client = new MqttClient(new MqttClientOptions
        {
            Host = "127.0.0.1",
            Port = broker.Port,
            ClientId = "rm",
            ReceiveMaximum = 2,
            OnMessage = async m =>
            {
                await release.Task;
                lock (delivered) delivered.Add(m.Payload.Span[0]);
            },
        });
        var connecting = client.ConnectAsync();
        var (peer, connect) = await broker.AcceptConnectionAsync();
        Assert.Equal((ushort)2, connect.Properties.ReceiveMaximum);
        await connecting;
        for (ushort id = 1; id <= 3; id++)
            await peer.SendAsync(new PublishPacket { Topic = "x", QoS = MqttQualityOfService.AtLeastOnce, PacketId = id, Payload = new[] { (byte)id } });
        release.SetResult();

        for (ushort id = 1; id <= 3; id++)
            Assert.Equal(id, (await peer.ExpectAsync<PubAckPacket>()).PacketId);
        Assert.Equal(MqttConnectionState.Connected, client.State);
        lock (delivered) Assert.Equal([1, 2, 3], delivered.Select(b => (int)b));
    }
}
