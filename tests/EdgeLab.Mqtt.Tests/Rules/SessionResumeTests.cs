using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Tests.Support;

namespace EdgeLab.Mqtt.Tests.Rules;

/// <summary>
/// Resend only on Session Present=1, with DUP=1 and the same ids, in the original order [MQTT-4.4.0-1] [MQTT-3.3.1-1]
/// [MQTT-4.6.0-1]; on Session Present=0 the in-flight publishes fail with <see cref="MqttSessionLostException"/>.
/// </summary>
public sealed class SessionResumeTests
{
    [Fact]
    public async Task Session_present_resends_unacknowledged_publishes_with_dup_and_the_same_ids_in_order()
    {
        await using var broker = new ScriptedBroker();
        await using var client = new MqttClient(broker.Options());
        var connecting = client.ConnectAsync();
        var (peer, _) = await broker.AcceptConnectionAsync();
        await connecting;

        var tasks = Enumerable.Range(0, 3).Select(i => client.PublishAsync(new MqttApplicationMessage { Topic = "t", Payload = new byte[] { (byte)i } })).ToList();
        var sent = new List<PublishPacket>();
        for (var i = 0; i < 3; i++) sent.Add(await peer.ExpectAsync<PublishPacket>());
        Assert.All(sent, p => Assert.False(p.Dup));
        await peer.PubAckAsync(sent[1].PacketId);
        peer.Drop();

        var (again, connect) = await broker.AcceptConnectionAsync(sessionPresent: true);
        Assert.False(connect.CleanStart);
        var first = await again.ExpectAsync<PublishPacket>();
        var second = await again.ExpectAsync<PublishPacket>();
        Assert.True(first.Dup);
        Assert.True(second.Dup);
        Assert.Equal([sent[0].PacketId, sent[2].PacketId], [first.PacketId, second.PacketId]);
        Assert.Equal([0, 2], [first.Payload.Span[0], second.Payload.Span[0]]);

        await again.PubAckAsync(first.PacketId);
        await again.PubAckAsync(second.PacketId);
        var results = await Task.WhenAll(tasks).WaitAsync(ScriptedPeer.Timeout);
        Assert.All(results, r => Assert.True(r.IsSuccess));
    }

    [Fact]
    public async Task No_session_present_fails_in_flight_publishes_with_session_lost_and_resends_nothing()
    {
        await using var broker = new ScriptedBroker();
        await using var client = new MqttClient(broker.Options());
        var disconnected = new TaskCompletionSource<MqttDisconnectedInfo>();
        client.Disconnected += i => disconnected.TrySetResult(i);
        var connecting = client.ConnectAsync();
        var (peer, _) = await broker.AcceptConnectionAsync();
        await connecting;

        var tasks = Enumerable.Range(0, 3).Select(i => client.PublishAsync(new MqttApplicationMessage { Topic = "t" })).ToList();
        for (var i = 0; i < 3; i++) await peer.ExpectAsync<PublishPacket>();
        peer.Drop();
        await disconnected.Task.WaitAsync(ScriptedPeer.Timeout);

        var (again, _) = await broker.AcceptConnectionAsync(sessionPresent: false);
        foreach (var t in tasks) await Assert.ThrowsAsync<MqttSessionLostException>(() => t.WaitAsync(ScriptedPeer.Timeout));

        // The application republishes: a new message, DUP=0; nothing of the old ones came first.
        var republished = client.PublishAsync(new MqttApplicationMessage { Topic = "t", Payload = new byte[] { 9 } });
        var next = await again.ExpectAsync<PublishPacket>();
        Assert.False(next.Dup);
        Assert.Equal(9, next.Payload.Span[0]);
        await again.PubAckAsync(next.PacketId);
        Assert.True((await republished).IsSuccess);
    }
}
