using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Tests.Support;

namespace EdgeLab.Mqtt.Tests.Rules;

/// <summary>SUBSCRIBE options (§3.8.3.1) and No Local on shared subscriptions [MQTT-3.8.3-4].</summary>
public sealed class SubscribeRulesTests
{
    [Fact]
    public async Task No_local_on_a_shared_subscription_is_refused_before_anything_is_sent()
    {
        await using var broker = new ScriptedBroker();
        await using var client = new MqttClient(broker.Options());
        var connecting = client.ConnectAsync();
        var (peer, _) = await broker.AcceptConnectionAsync();
        await connecting;

        await Assert.ThrowsAsync<ArgumentException>(() => client.SubscribeAsync(
            [new MqttSubscription { TopicFilter = "$share/hub/edgelab/v1/gw/+/results", NoLocal = true }]));
        await peer.ExpectNothingAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void The_encoder_never_puts_no_local_on_a_share_filter()
    {
        var shared = new MqttSubscription { TopicFilter = "$share/hub/a/#", NoLocal = true, MaximumQualityOfService = MqttQualityOfService.AtLeastOnce };
        Assert.Equal(0x01, SubscribePacket.OptionsByte(shared));
        var normal = new MqttSubscription { TopicFilter = "a/#", NoLocal = true, MaximumQualityOfService = MqttQualityOfService.AtLeastOnce };
        Assert.Equal(0x05, SubscribePacket.OptionsByte(normal));
    }

    [Fact]
    public async Task Subscribe_sends_every_option_and_returns_the_suback_reason_codes_in_order()
    {
        await using var broker = new ScriptedBroker();
        await using var client = new MqttClient(broker.Options());
        var connecting = client.ConnectAsync();
        var (peer, _) = await broker.AcceptConnectionAsync();
        await connecting;

        var subscribing = client.SubscribeAsync([
            new MqttSubscription { TopicFilter = "a/+", NoLocal = true, RetainAsPublished = true, RetainHandling = MqttRetainHandling.DoNotSend },
            new MqttSubscription { TopicFilter = "$share/hub/b/#", MaximumQualityOfService = MqttQualityOfService.AtMostOnce },
        ]);
        var subscribe = await peer.ExpectAsync<SubscribePacket>();
        var a = subscribe.Subscriptions[0];
        Assert.True(a.NoLocal && a.RetainAsPublished && a.RetainHandling == MqttRetainHandling.DoNotSend);
        Assert.Equal(MqttQualityOfService.AtLeastOnce, a.MaximumQualityOfService);
        Assert.False(subscribe.Subscriptions[1].NoLocal);
        await peer.SendAsync(new SubAckPacket { PacketId = subscribe.PacketId, ReasonCodes = [MqttSubAckReasonCode.GrantedQoS1, MqttSubAckReasonCode.NotAuthorized] });
        var result = await subscribing;
        Assert.Equal([MqttSubAckReasonCode.GrantedQoS1, MqttSubAckReasonCode.NotAuthorized], result.ReasonCodes);

        var unsubscribing = client.UnsubscribeAsync(["a/+"]);
        var unsubscribe = await peer.ExpectAsync<UnsubscribePacket>();
        Assert.Equal(["a/+"], unsubscribe.TopicFilters);
        Assert.NotEqual(subscribe.PacketId, unsubscribe.PacketId);
        await peer.SendAsync(new UnsubAckPacket { PacketId = unsubscribe.PacketId, ReasonCodes = [UnsubAckPacket.Success] });
        Assert.Equal([UnsubAckPacket.Success], (await unsubscribing).ReasonCodes);
    }
}
