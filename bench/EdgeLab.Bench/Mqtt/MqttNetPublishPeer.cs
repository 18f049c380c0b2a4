using System.Diagnostics;
using EdgeLab.LocalServices;
using N = MQTTnet;

namespace EdgeLab.Bench.Mqtt;

/// <summary>
/// MQTTnet 5.2 as the second .NET peer in <c>bench/run.sh mqtt</c>, against the same broker and user as EdgeLab.Mqtt.
/// MQTTnet does not hold the server's Receive Maximum by itself (tests/EdgeLab.Mqtt.Tests/Interop), so this peer keeps
/// at most Receive Maximum publishes outstanding itself — what an application using it would have to do.
/// </summary>
internal static class MqttNetPublishPeer
{
    public static async Task<N.IMqttClient> ConnectAsync(MosquittoProcess broker, CancellationToken cancellationToken)
    {
        var client = new N.MqttClientFactory().CreateMqttClient();
        var options = new N.MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(N.Formatter.MqttProtocolVersion.V500)
            .WithClientId("mqttnet-bench-" + Environment.ProcessId)
            .WithCredentials(broker.HubCredentials.UserName, broker.HubCredentials.Password)
            .Build();
        await client.ConnectAsync(options, cancellationToken);
        return client;
    }

    public static N.MqttApplicationMessage Message(int size) => new N.MqttApplicationMessageBuilder()
        .WithTopic("bench/mqttnet").WithPayload(new byte[size]).WithQualityOfServiceLevel(N.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build();

    /// <summary>Throughput with a ring of Receive Maximum outstanding publishes (Mosquitto's CONNACK: 20).</summary>
    public static async Task<(double Seconds, double Rate)> ThroughputAsync(MosquittoProcess broker, int count, int size, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(broker, cancellationToken);
        var message = Message(size);
        var window = 20; // Mosquitto 2.0.11's Receive Maximum (max_inflight_messages 20 in the bench broker).
        var ring = new Task<N.MqttClientPublishResult>[window];
        var failed = 0;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var slot = i % window;
            if (ring[slot] is { } previous && !(await previous).IsSuccess) failed++;
            ring[slot] = client.PublishAsync(message, cancellationToken);
        }
        foreach (var t in ring)
            if (t is not null && !(await t).IsSuccess) failed++;
        watch.Stop();
        if (failed > 0) throw new InvalidOperationException($"{failed} MQTTnet publishes were not acknowledged with success");
        await client.DisconnectAsync(new N.MqttClientDisconnectOptions(), cancellationToken);
        return (watch.Elapsed.TotalSeconds, count / watch.Elapsed.TotalSeconds);
    }

    /// <summary>PUBLISH → PUBACK round trips, one at a time, in microseconds (sorted).</summary>
    public static async Task<double[]> LatencyAsync(MosquittoProcess broker, int count, int size, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(broker, cancellationToken);
        var message = Message(size);
        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var result = await client.PublishAsync(message, cancellationToken);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (!result.IsSuccess) throw new InvalidOperationException($"MQTTnet publish refused: {result.ReasonCode}");
        }
        await client.DisconnectAsync(new N.MqttClientDisconnectOptions(), cancellationToken);
        Array.Sort(samples);
        return samples;
    }
}
