using System.Text;
using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Tests.Support;

namespace EdgeLab.Mqtt.Tests.Broker;

/// <summary>Through a proxy the test controls, in front of a real Mosquitto: cuts mid-flight and the Receive Maximum window.</summary>
public sealed class ConnectionCutTests(MosquittoFixture fixture) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public async Task A_connection_cut_mid_flight_resends_with_dup_and_the_same_ids_and_everything_arrives()
    {
        var port = fixture.Broker.Port;
        var inbox = new Inbox();
        await using var subscriber = new MqttClient(Brokers.Options(port, "cut-sub", inbox.Handler));
        await subscriber.ConnectAsync();
        await subscriber.SubscribeAsync([new MqttSubscription { TopicFilter = "cut/#" }]);

        await using var proxy = new TcpProxy(port);
        await using var publisher = new MqttClient(Brokers.Options(proxy.Port, "cut-pub", sessionExpiry: 300, cleanStart: true));
        var connected = new List<MqttConnectedInfo>();
        publisher.Connected += connected.Add;
        await publisher.ConnectAsync();

        // The broker's PUBACKs are held in the proxy, so all ten are in flight when the cut comes.
        proxy.HoldServerBytes();
        var tasks = Enumerable.Range(0, 10).Select(i => publisher.PublishAsync(new MqttApplicationMessage
        {
            Topic = "cut/" + i,
            Payload = Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        })).ToList();
        await WaitUntil(() => proxy.ClientPublishes.Count >= 10);
        var first = proxy.ClientPublishes.ToList();
        proxy.CutAll();

        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.All(results, r => Assert.True(r.IsSuccess));
        Assert.True(connected[^1].SessionPresent);
        var resent = proxy.ClientPublishes.Skip(10).ToList();
        Assert.NotEmpty(resent);
        Assert.All(resent, p => Assert.True(p.Dup));
        // Same ids, same order as the originals they stand for [MQTT-4.4.0-1] [MQTT-4.6.0-1].
        var originalIds = first.Select(p => p.PacketId).ToList();
        Assert.Equal(originalIds.Where(resent.Select(r => r.PacketId).Contains), resent.Select(r => r.PacketId));
        Assert.All(resent, r => Assert.Equal(first.Single(f => f.PacketId == r.PacketId).Topic, r.Topic));
        await inbox.WaitForAsync(ms => Enumerable.Range(0, 10).All(i => ms.Any(m => m.Topic == "cut/" + i)));
    }

    [Fact]
    public async Task Pipelined_publishing_never_exceeds_mosquittos_receive_maximum_of_20()
    {
        await using var proxy = new TcpProxy(fixture.Broker.Port);
        await using var publisher = new MqttClient(Brokers.Options(proxy.Port, "window-pub"));
        var info = await publisher.ConnectAsync();
        Assert.Equal(20, info.ServerReceiveMaximum);

        var payload = new byte[100];
        var tasks = Enumerable.Range(0, 2000).Select(_ => publisher.PublishAsync(new MqttApplicationMessage { Topic = "window/x", Payload = payload })).ToList();
        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results, r => Assert.True(r.IsSuccess));
        Assert.Equal(2000, proxy.ClientPublishes.Count(p => p.QoS == MqttQualityOfService.AtLeastOnce));
        Assert.InRange(proxy.MaxUnacknowledged, 2, 20);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}
