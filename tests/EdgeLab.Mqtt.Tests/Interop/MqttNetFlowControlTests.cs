using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Tests.Support;
using N = MQTTnet;

namespace EdgeLab.Mqtt.Tests.Interop;

/// <summary>
/// Why EdgeLab keeps its own client (ARCHITECTURE.md "Why not MQTTnet"): the two guarantees the gateway's uplink
/// relies on, checked on MQTTnet 5.2 against the same scripted peer that proves them for EdgeLab.Mqtt
/// (Rules/ReceiveMaximumTests, Rules/SessionResumeTests). These assert what MQTTnet does today; if a release changes
/// it, the test fails and the ARCHITECTURE.md comparison must be revisited.
/// </summary>
public sealed class MqttNetFlowControlTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    private static N.MqttClientOptions Options(int port, bool cleanStart) => new N.MqttClientOptionsBuilder()
        .WithTcpServer("127.0.0.1", port)
        .WithProtocolVersion(N.Formatter.MqttProtocolVersion.V500)
        .WithClientId("mqttnet-probe")
        .WithCleanStart(cleanStart)
        .WithSessionExpiryInterval(cleanStart ? 0u : 600u)
        .WithTimeout(TimeSpan.FromSeconds(30))
        .Build();

    private static N.MqttApplicationMessage Message(int i) => new N.MqttApplicationMessageBuilder()
        .WithTopic("t").WithPayload(new byte[] { (byte)i }).WithQualityOfServiceLevel(N.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private static async Task<int> CountPublishesUntilQuietAsync(ScriptedPeer peer)
    {
        var count = 0;
        try
        {
            while (await peer.ReadAsync(Quiet) is PublishPacket) count++;
        }
        catch (TimeoutException)
        {
            // Quiet: the client sends nothing more without PUBACKs.
        }
        return count;
    }

    [Fact]
    public async Task MqttNet_sends_past_the_server_receive_maximum()
    {
        await using var broker = new ScriptedBroker();
        using var client = new N.MqttClientFactory().CreateMqttClient();
        var connecting = client.ConnectAsync(Options(broker.Port, cleanStart: true));
        var (peer, _) = await broker.AcceptConnectionAsync(properties: p => p.ReceiveMaximum = 5);
        Assert.Equal((ushort)5, (await connecting).ReceiveMaximum);

        var publishes = Enumerable.Range(0, 12).Select(i => client.PublishAsync(Message(i))).ToList();
        var unacked = await CountPublishesUntilQuietAsync(peer);

        // [MQTT-3.3.4-7] allows 5 unacknowledged QoS 1 PUBLISH; EdgeLab.Mqtt sends 5 and waits (SendQuota).
        // MQTTnet sends all 12 at once.
        Assert.Equal(publishes.Count, unacked);
        peer.Drop();
        await Task.WhenAll(publishes.Select(p => p.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    [Fact]
    public async Task MqttNet_does_not_resend_in_flight_publishes_when_the_session_resumes()
    {
        await using var broker = new ScriptedBroker();
        using var client = new N.MqttClientFactory().CreateMqttClient();
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += _ =>
        {
            disconnected.TrySetResult();
            return Task.CompletedTask;
        };
        var connecting = client.ConnectAsync(Options(broker.Port, cleanStart: false));
        var (peer, _) = await broker.AcceptConnectionAsync();
        await connecting;
        var publishes = Enumerable.Range(0, 3).Select(i => client.PublishAsync(Message(i))).ToList();
        Assert.Equal(3, await CountPublishesUntilQuietAsync(peer));

        // The connection breaks with all three unacknowledged; the broker resumes the session (Session Present = 1).
        peer.Drop();
        await disconnected.Task.WaitAsync(ScriptedPeer.Timeout);
        var reconnecting = client.ConnectAsync(Options(broker.Port, cleanStart: false));
        var (resumed, _) = await broker.AcceptConnectionAsync(sessionPresent: true);
        Assert.True((await reconnecting).IsSessionPresent);

        // [MQTT-4.4.0-1] requires resending them (DUP=1, same ids); MQTTnet sends nothing and failed the callers instead.
        Assert.Equal(0, await CountPublishesUntilQuietAsync(resumed));
        Assert.All(publishes, p => Assert.True(p.IsFaulted || p.IsCanceled, "an in-flight publish was neither resent nor failed"));
    }
}
