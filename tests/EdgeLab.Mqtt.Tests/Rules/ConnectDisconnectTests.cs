using System.Text;
using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Tests.Support;

namespace EdgeLab.Mqtt.Tests.Rules;

/// <summary>CONNECT contents (§3.1), CONNACK refusal (§3.2.2.2) and DISCONNECT with reason (§3.14).</summary>
public sealed class ConnectDisconnectTests
{
    [Fact]
    public async Task Connect_carries_the_will_with_its_delay_and_disconnect_with_will_sends_reason_0x04()
    {
        await using var broker = new ScriptedBroker();
        var will = new MqttWill
        {
            Topic = "edgelab/v1/gw/a/status",
            Payload = Encoding.UTF8.GetBytes("offline"),
            Retain = true,
            DelaySeconds = 5,
            ContentType = "application/json",
        };
        await using var client = new MqttClient(broker.Options(will: will) is var o ? new MqttClientOptions
        {
            Host = o.Host,
            Port = o.Port,
            ClientId = "gw-a",
            Will = will,
            SessionExpirySeconds = 3600,
            CleanStart = false,
            UserName = "u",
            Password = new byte[] { 1, 2 },
            UserProperties = [new("fw", "1.0")],
        } : null!);
        var connecting = client.ConnectAsync();
        var (peer, connect) = await broker.AcceptConnectionAsync(properties: p => p.AssignedClientIdentifier = null);
        await connecting;

        Assert.Equal("gw-a", connect.ClientId);
        Assert.False(connect.CleanStart);
        Assert.Equal(3600u, connect.Properties.SessionExpiryInterval);
        Assert.Equal("edgelab/v1/gw/a/status", connect.WillTopic);
        Assert.Equal("offline", Encoding.UTF8.GetString(connect.WillPayload));
        Assert.True(connect.WillRetain);
        Assert.Equal(MqttQualityOfService.AtLeastOnce, connect.WillQoS);
        Assert.Equal(5u, connect.WillProperties.WillDelayInterval);
        Assert.Equal("application/json", connect.WillProperties.ContentType);
        Assert.Equal("u", connect.UserName);
        Assert.Equal(new byte[] { 1, 2 }, connect.Password);
        Assert.Equal([new MqttUserProperty("fw", "1.0")], connect.Properties.UserProperties!);

        await client.DisconnectAsync(MqttDisconnectReasonCode.DisconnectWithWillMessage);
        Assert.Equal(MqttDisconnectReasonCode.DisconnectWithWillMessage, (await peer.ExpectAsync<DisconnectPacket>()).ReasonCode);
        await peer.ExpectClosedAsync();
        Assert.Equal(MqttConnectionState.Stopped, client.State);
        await Assert.ThrowsAsync<MqttClientStoppedException>(() => client.PublishAsync(new MqttApplicationMessage { Topic = "x" }));
    }

    [Fact]
    public async Task A_refusing_connack_is_thrown_from_the_first_connect()
    {
        await using var broker = new ScriptedBroker();
        await using var client = new MqttClient(broker.Options());
        var connecting = client.ConnectAsync();
        var peer = await broker.AcceptAsync();
        await peer.ExpectAsync<ConnectPacket>();
        var refusal = new ConnAckPacket { ReasonCode = MqttConnectReasonCode.NotAuthorized };
        refusal.Properties.ReasonString = "no";
        await peer.SendAsync(refusal);
        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => connecting);
        Assert.Equal(MqttConnectReasonCode.NotAuthorized, ex.ReasonCode);
        await peer.ExpectClosedAsync();
    }

    [Fact]
    public async Task Connack_properties_are_exposed()
    {
        await using var broker = new ScriptedBroker();
        await using var client = new MqttClient(broker.Options(clientId: ""));
        var connecting = client.ConnectAsync();
        var (_, _) = await broker.AcceptConnectionAsync(properties: p =>
        {
            p.ReceiveMaximum = 20;
            p.TopicAliasMaximum = 10;
            p.MaximumQoS = 1;
            p.RetainAvailable = 0;
            p.MaximumPacketSize = 5000;
            p.AssignedClientIdentifier = "auto-1";
        });
        var info = await connecting;
        Assert.Equal(new MqttConnectedInfo(false, MqttConnectReasonCode.Success, 20, 0, MqttQualityOfService.AtLeastOnce, false, 10, 5000, "auto-1", null), info);
        // The server's limits are enforced before anything is sent [MQTT-3.2.2-14] [MQTT-3.2.2-15].
        await Assert.ThrowsAsync<NotSupportedException>(() => client.PublishAsync(new MqttApplicationMessage { Topic = "x", Retain = true }));
        await Assert.ThrowsAsync<MqttPacketTooLargeException>(() => client.PublishAsync(new MqttApplicationMessage { Topic = "x", Payload = new byte[6000] }));
    }
}
