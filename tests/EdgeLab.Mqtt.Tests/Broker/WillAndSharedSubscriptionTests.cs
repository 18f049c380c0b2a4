using System.Text;
using EdgeLab.Mqtt.Tests.Support;

namespace EdgeLab.Mqtt.Tests.Broker;

/// <summary>Will on abnormal disconnect and on DISCONNECT 0x04; shared subscriptions split between members.</summary>
public sealed class WillAndSharedSubscriptionTests(MosquittoFixture fixture) : IClassFixture<MosquittoFixture>
{
    private static MqttWill Offline(string gateway) => new()
    {
        Topic = $"edgelab/v1/gw/{gateway}/status",
        Payload = Encoding.UTF8.GetBytes("offline"),
        Retain = false,
    };

    [Fact]
    public async Task The_will_is_published_when_the_connection_drops_without_disconnect()
    {
        var port = fixture.Broker.Port;
        var inbox = new Inbox();
        await using var observer = new MqttClient(Brokers.Options(port, "will-observer", inbox.Handler));
        await observer.ConnectAsync();
        await observer.SubscribeAsync([new MqttSubscription { TopicFilter = "edgelab/v1/gw/will-a/status" }]);

        await using var proxy = new TcpProxy(port);
        await using var gateway = new MqttClient(Brokers.Options(proxy.Port, "will-a", will: Offline("will-a")));
        await gateway.ConnectAsync();
        proxy.CutAll();

        await inbox.WaitForAsync(ms => ms.Any(m => Encoding.UTF8.GetString(m.Payload.Span) == "offline"));
    }

    [Fact]
    public async Task Disconnect_with_reason_0x04_publishes_the_will_and_a_normal_disconnect_does_not()
    {
        var port = fixture.Broker.Port;
        var inbox = new Inbox();
        await using var observer = new MqttClient(Brokers.Options(port, "will-observer-2", inbox.Handler));
        await observer.ConnectAsync();
        await observer.SubscribeAsync([new MqttSubscription { TopicFilter = "edgelab/v1/gw/+/status" }]);

        await using (var normal = new MqttClient(Brokers.Options(port, "will-normal", will: Offline("will-normal"))))
        {
            await normal.ConnectAsync();
            await normal.DisconnectAsync(MqttDisconnectReasonCode.NormalDisconnection);
        }
        await using (var withWill = new MqttClient(Brokers.Options(port, "will-b", will: Offline("will-b"))))
        {
            await withWill.ConnectAsync();
            await withWill.DisconnectAsync(MqttDisconnectReasonCode.DisconnectWithWillMessage);
        }

        // Mosquitto handles one connection's packets in order, and the normal one ended first: had it published its will, it would be here.
        await inbox.WaitForAsync(ms => ms.Any(m => m.Topic == "edgelab/v1/gw/will-b/status"));
        Assert.DoesNotContain(inbox.Messages, m => m.Topic == "edgelab/v1/gw/will-normal/status");
    }

    [Fact]
    public async Task A_shared_subscription_splits_messages_between_two_hub_nodes_without_duplicates()
    {
        var port = fixture.Broker.Port;
        var both = new Inbox();
        var a = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var b = new System.Collections.Concurrent.ConcurrentQueue<int>();
        Func<MqttReceivedMessage, ValueTask> Into(System.Collections.Concurrent.ConcurrentQueue<int> node) => m =>
        {
            node.Enqueue(BitConverter.ToInt32(m.Payload.Span));
            return both.Handler(m);
        };
        await using var hubA = new MqttClient(Brokers.Options(port, "hub-a", Into(a)));
        await using var hubB = new MqttClient(Brokers.Options(port, "hub-b", Into(b)));
        await using var gateway = new MqttClient(Brokers.Options(port, "share-gw"));
        foreach (var c in new[] { hubA, hubB, gateway }) await c.ConnectAsync();
        var share = new MqttSubscription { TopicFilter = "$share/hub/edgelab/v1/gw/+/results" };
        Assert.Equal(MqttSubAckReasonCode.GrantedQoS1, (await hubA.SubscribeAsync([share])).ReasonCodes[0]);
        Assert.Equal(MqttSubAckReasonCode.GrantedQoS1, (await hubB.SubscribeAsync([share])).ReasonCodes[0]);

        for (var i = 0; i < 40; i++)
            await gateway.PublishAsync(new MqttApplicationMessage { Topic = "edgelab/v1/gw/share-gw/results", Payload = BitConverter.GetBytes(i) });

        await both.WaitForAsync(ms => ms.Count == 40);
        Assert.NotEmpty(a);
        Assert.NotEmpty(b);
        Assert.Empty(a.Intersect(b));
        Assert.Equal(Enumerable.Range(0, 40), a.Concat(b).Order());
    }
}
