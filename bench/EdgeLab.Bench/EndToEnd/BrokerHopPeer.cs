using System.Buffers.Binary;
using System.Diagnostics;
using EdgeLab.Mqtt;

namespace EdgeLab.Bench.EndToEnd;

/// <summary>
/// The peer figure: the broker hop alone. One client publishes QoS 1 messages (gateway-sized, 2 KB) at the same
/// aggregate rate through the same Mosquitto, another receives them; latency = receive − send on one clock.
/// </summary>
internal static class BrokerHopPeer
{
    public static async Task<Percentiles> MeasureAsync(string host, int port, double perSecond, TimeSpan duration)
    {
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        await using var receiver = new MqttClient(new MqttClientOptions
        {
            Host = host,
            Port = port,
            ClientId = "e2e-peer-sub",
            OnMessage = m =>
            {
                var sent = BinaryPrimitives.ReadInt64LittleEndian(m.Payload.Span);
                lock (latencies) latencies.Add((clock.ElapsedTicks - sent) * 1000.0 / Stopwatch.Frequency);
                return ValueTask.CompletedTask;
            },
        });
        await receiver.ConnectAsync();
        await receiver.SubscribeAsync([new MqttSubscription { TopicFilter = "bench/e2e-peer", MaximumQualityOfService = MqttQualityOfService.AtLeastOnce }]);
        await using var sender = new MqttClient(new MqttClientOptions { Host = host, Port = port, ClientId = "e2e-peer-pub" });
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
            pending.Add(sender.PublishAsync(new MqttApplicationMessage { Topic = "bench/e2e-peer", Payload = payload, QualityOfService = MqttQualityOfService.AtLeastOnce }));
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
