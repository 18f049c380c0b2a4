using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;

namespace EdgeLab.Bench.EndToEnd;

/// <summary>
/// The peer figure: the broker hop alone. One client publishes QoS 1 messages (gateway-sized, 2 KB) at the same
/// aggregate rate through the same Mosquitto, another receives them; latency = receive − send on one clock. Both sign in
/// as one user of the broker's (no anonymous clients) and use that user's own subtree, which the hub does not read.
/// </summary>
internal static class BrokerHopPeer
{
    private const string PeerUser = "bench-hop-peer";
    private const string Topic = "edgelab/v1/gw/" + PeerUser + "/hop";

    public static async Task<Percentiles> MeasureAsync(MosquittoProcess broker, double perSecond, TimeSpan duration)
    {
        var user = await broker.AddUserAsync(PeerUser);
        var password = Encoding.UTF8.GetBytes(user.Password);
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        await using var receiver = new MqttClient(new MqttClientOptions
        {
            Host = broker.Host,
            Port = broker.Port,
            ClientId = "e2e-peer-sub",
            UserName = user.UserName,
            Password = password,
            OnMessage = m =>
            {
                var sent = BinaryPrimitives.ReadInt64LittleEndian(m.Payload.Span);
                lock (latencies) latencies.Add((clock.ElapsedTicks - sent) * 1000.0 / Stopwatch.Frequency);
                return ValueTask.CompletedTask;
            },
        });
        await receiver.ConnectAsync();
        await receiver.SubscribeAsync([new MqttSubscription { TopicFilter = Topic, MaximumQualityOfService = MqttQualityOfService.AtLeastOnce }]);
        await using var sender = new MqttClient(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "e2e-peer-pub", UserName = user.UserName, Password = password });
        await sender.ConnectAsync();
        var total = (int)Math.Max(1, perSecond * duration.TotalSeconds);
        var interval = 1.0 / perSecond;
        var started = clock.Elapsed.TotalSeconds;
        var pending = new List<Task<MqttPublishResult>>();
        for (var i = 0; i < total; i++)
        {
            var due = started + i * interval;
            var wait = due - clock.Elapsed.TotalSeconds;
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait));
            var payload = new byte[2048];
            BinaryPrimitives.WriteInt64LittleEndian(payload, clock.ElapsedTicks);
            pending.Add(sender.PublishAsync(new MqttApplicationMessage { Topic = Topic, Payload = payload, QualityOfService = MqttQualityOfService.AtLeastOnce }));
        }
        await Task.WhenAll(pending);
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(10);
        while (clock.Elapsed < deadline)
        {
            lock (latencies) if (latencies.Count >= total) break;
            await Task.Delay(20);
        }
        await sender.DisconnectAsync();
        await receiver.DisconnectAsync();
        lock (latencies) return new Percentiles(latencies);
    }
}
