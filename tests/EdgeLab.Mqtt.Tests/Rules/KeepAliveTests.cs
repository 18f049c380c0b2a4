using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Tests.Support;
using EdgeLab.Testing;

namespace EdgeLab.Mqtt.Tests.Rules;

/// <summary>Keep alive on a fake clock: PINGREQ in time [MQTT-3.1.2-20], Server Keep Alive wins [MQTT-3.2.2-21], no PINGRESP = half-open.</summary>
public sealed class KeepAliveTests
{
    [Fact]
    public async Task Server_keep_alive_replaces_ours_and_a_missing_pingresp_closes_the_half_open_connection()
    {
        var time = new FakeTimeProvider();
        await using var broker = new ScriptedBroker();
        await using var client = new MqttClient(broker.Options(time: time, keepAlive: 60));
        var disconnected = new TaskCompletionSource<MqttDisconnectedInfo>();
        client.Disconnected += i => disconnected.TrySetResult(i);
        var connecting = client.ConnectAsync();
        var (peer, connect) = await broker.AcceptConnectionAsync(properties: p => p.ServerKeepAlive = 8);
        Assert.Equal(60, connect.KeepAliveSeconds);
        Assert.Equal(8, (await connecting).ServerKeepAliveSeconds);

        // Three quarters of the server's 8 s, not of our 60 s.
        time.Advance(TimeSpan.FromSeconds(5.9));
        await peer.ExpectNothingAsync(TimeSpan.FromMilliseconds(100));
        time.Advance(TimeSpan.FromSeconds(0.1));
        await peer.ExpectAsync<PingReqPacket>();
        await peer.SendAsync(PingRespPacket.Instance);

        // Answered: the next tick pings again rather than closing. The clock moves only once the client has read the
        // PINGRESP (on a busy machine its reader may not have run yet; moving the clock first would test a lost PINGRESP).
        await WaitUntil(() => !client.PingOutstanding);
        Assert.False(client.PingOutstanding);
        time.Advance(TimeSpan.FromSeconds(6));
        await peer.ExpectAsync<PingReqPacket>();

        // Not answered: the tick after that declares the connection dead.
        Assert.False(disconnected.Task.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(6));
        var info = await disconnected.Task.WaitAsync(ScriptedPeer.Timeout);
        Assert.IsType<TimeoutException>(info.Exception);
        await peer.ExpectClosedAsync();
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++) await Task.Delay(10);
    }
}
