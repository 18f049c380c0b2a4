using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Session;
using EdgeLab.Mqtt.Tests.Support;

namespace EdgeLab.Mqtt.Tests.Rules;

/// <summary>[MQTT-2.2.1-3]: a new PUBLISH/SUBSCRIBE/UNSUBSCRIBE never takes an id that is still in flight.</summary>
public sealed class PacketIdentifierTests
{
    [Fact]
    public async Task Ids_are_never_reused_while_in_flight_even_when_acks_come_out_of_order()
    {
        await using var broker = new ScriptedBroker();
        await using var client = new MqttClient(broker.Options());
        var connecting = client.ConnectAsync();
        var (peer, _) = await broker.AcceptConnectionAsync(properties: p => p.ReceiveMaximum = 50);
        await connecting;

        var inFlight = new HashSet<ushort>();
        var random = new Random(7);
        var tasks = new List<Task<MqttPublishResult>>();
        for (var round = 0; round < 40; round++)
        {
            for (var i = 0; i < 10; i++)
                tasks.Add(client.PublishAsync(new MqttApplicationMessage { Topic = "t", Payload = new byte[] { (byte)i } }));
            for (var i = 0; i < 10; i++)
            {
                var publish = await peer.ExpectAsync<PublishPacket>();
                Assert.True(inFlight.Add(publish.PacketId), $"packet id {publish.PacketId} reused while in flight");
                Assert.NotEqual(0, publish.PacketId);
            }
            // Acknowledge a random ~half, out of order; the rest stay in flight into the next round.
            foreach (var id in inFlight.OrderBy(_ => random.Next()).Take(inFlight.Count / 2 + 1).ToList())
            {
                await peer.PubAckAsync(id);
                inFlight.Remove(id);
            }
        }
        foreach (var id in inFlight) await peer.PubAckAsync(id);
        var results = await Task.WhenAll(tasks).WaitAsync(ScriptedPeer.Timeout);
        Assert.All(results, r => Assert.True(r.IsSuccess));
    }

    [Fact]
    public void Allocator_skips_ids_in_use_and_wraps_past_65535_without_zero()
    {
        var ids = new PacketIdAllocator();
        var held = new List<ushort>();
        for (var i = 0; i < ushort.MaxValue; i++)
        {
            Assert.True(ids.TryAllocate(out var id));
            Assert.NotEqual(0, id);
            held.Add(id);
        }
        Assert.Equal(ushort.MaxValue, held.Distinct().Count());
        Assert.False(ids.TryAllocate(out _));
        ids.Release(12_345);
        Assert.True(ids.TryAllocate(out var again));
        Assert.Equal(12_345, again);
    }
}
