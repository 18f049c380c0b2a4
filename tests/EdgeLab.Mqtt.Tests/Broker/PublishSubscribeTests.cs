using System.Text;
using System.Threading.Channels;
using EdgeLab.Mqtt.Tests.Support;

namespace EdgeLab.Mqtt.Tests.Broker;

/// <summary>QoS 0 and 1 both ways against a real Mosquitto.</summary>
public sealed class PublishSubscribeTests(MosquittoFixture fixture) : IClassFixture<MosquittoFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(MqttQualityOfService.AtMostOnce)]
    [InlineData(MqttQualityOfService.AtLeastOnce)]
    public async Task Message_published_at_qos_arrives_at_a_subscriber_with_its_properties(MqttQualityOfService qos)
    {
        var received = Channel.CreateUnbounded<MqttReceivedMessage>();
        await using var subscriber = new MqttClient(Brokers.Options(fixture.Broker, $"sub-{qos}", m => received.Writer.WriteAsync(m)));
        await using var publisher = new MqttClient(Brokers.Options(fixture.Broker, $"pub-{qos}"));
        await subscriber.ConnectAsync();
        await publisher.ConnectAsync();
        var topic = $"edgelab/v1/gw/test/{qos}";
        var sub = await subscriber.SubscribeAsync([new MqttSubscription { TopicFilter = topic, MaximumQualityOfService = qos }]);
        Assert.Equal((MqttSubAckReasonCode)qos, Assert.Single(sub.ReasonCodes));

        var result = await publisher.PublishAsync(new MqttApplicationMessage
        {
            Topic = topic,
            Payload = Encoding.UTF8.GetBytes("hello"),
            QualityOfService = qos,
            ContentType = "application/json",
            ResponseTopic = "edgelab/v1/gw/test/reply",
            CorrelationData = new byte[] { 1, 2, 3 },
            MessageExpirySeconds = 600,
            UserProperties = [new("message-id", "gw01:42")],
        });

        Assert.True(result.IsSuccess);
        var m = await received.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(topic, m.Topic);
        Assert.Equal("hello", Encoding.UTF8.GetString(m.Payload.Span));
        Assert.Equal(qos, m.QualityOfService);
        Assert.Equal("application/json", m.ContentType);
        Assert.Equal("edgelab/v1/gw/test/reply", m.ResponseTopic);
        Assert.Equal(new byte[] { 1, 2, 3 }, m.CorrelationData!.Value.ToArray());
        Assert.Equal("gw01:42", m.GetUserProperty("message-id"));
        Assert.InRange(m.MessageExpirySeconds!.Value, 590u, 600u);
    }
}
