using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;

namespace EdgeLab.Bench.Mqtt;

/// <summary>
/// QoS 1 publish throughput to a local Mosquitto: EdgeLab's client, then MQTTnet 5.2 (<see cref="MqttNetPublishPeer"/>)
/// and MQTT.js (bench/mqttjs, the npm package <c>mqtt</c>) in the same run against the same broker, printed side by
/// side with the ratios; then PUBLISH → PUBACK latency one at a time for both .NET clients. All pipeline up to the
/// server's Receive Maximum (Mosquitto: 20). Figures are printed, never asserted. No anonymous clients even here (issue 9):
/// both sign in as the broker's hub user (password file, no ACL: the topic is the bench's own).
/// </summary>
public static class MqttPublishBenchmark
{
    private const string BrokerConfig = """
        user root
        listener {{PORT}} 127.0.0.1
        allow_anonymous false
        password_file {{DATA}}/passwd
        persistence false
        log_dest stderr
        log_type error
        log_type warning
        max_inflight_messages 20
        """;

    public static async Task RunAsync(TextWriter output, int count = 100_000, int size = 200, CancellationToken cancellationToken = default)
    {
        await using var broker = await MosquittoProcess.StartAsync(BrokerConfig);
        output.WriteLine($"mqtt: QoS 1 publish, {count:N0} x {size} B, pipelined up to the server's Receive Maximum, Mosquitto on 127.0.0.1:{broker.Port}");

        // Warm-up (JIT, connection setup), not counted.
        await RunOursAsync(broker, Math.Min(count, 10_000), size, cancellationToken);
        var ours = await RunOursAsync(broker, count, size, cancellationToken);
        await MqttNetPublishPeer.ThroughputAsync(broker, Math.Min(count, 10_000), size, cancellationToken);
        var mqttNet = await MqttNetPublishPeer.ThroughputAsync(broker, count, size, cancellationToken);
        var theirs = await RunMqttJsAsync(broker, count, size, output, cancellationToken);

        output.WriteLine($"  {"client",-22} {"messages/s",12} {"seconds",9}");
        output.WriteLine($"  {"EdgeLab.Mqtt",-22} {ours.Rate,12:N0} {ours.Seconds,9:F2}");
        output.WriteLine($"  {"MQTTnet 5.2",-22} {mqttNet.Rate,12:N0} {mqttNet.Seconds,9:F2}");
        output.WriteLine($"  ratio MQTTnet/EdgeLab: {mqttNet.Rate / ours.Rate:F2}x");
        if (theirs is { } js)
        {
            output.WriteLine($"  {"MQTT.js " + js.Version,-22} {js.Rate,12:N0} {js.Seconds,9:F2}");
            output.WriteLine($"  ratio EdgeLab/MQTT.js: {ours.Rate / js.Rate:F2}x (target >= 1.0x; absolute target >= 15,000 msg/s)");
        }
        else
        {
            output.WriteLine("  MQTT.js: not run (node/npm missing or failed; see above)");
        }

        var latencyCount = Math.Min(count, 5_000);
        var ourLatency = await LatencyOursAsync(broker, latencyCount, size, cancellationToken);
        var theirLatency = await MqttNetPublishPeer.LatencyAsync(broker, latencyCount, size, cancellationToken);
        output.WriteLine($"  PUBLISH -> PUBACK one at a time, {latencyCount:N0} each, microseconds: {"p50",8} {"p99",8} {"max",8}");
        output.WriteLine($"  {"EdgeLab.Mqtt",-22} {Percentile(ourLatency, 0.50),8:F0} {Percentile(ourLatency, 0.99),8:F0} {ourLatency[^1],8:F0}");
        output.WriteLine($"  {"MQTTnet 5.2",-22} {Percentile(theirLatency, 0.50),8:F0} {Percentile(theirLatency, 0.99),8:F0} {theirLatency[^1],8:F0}");
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static async Task<double[]> LatencyOursAsync(MosquittoProcess broker, int count, int size, CancellationToken cancellationToken)
    {
        await using var client = new MqttClient(new MqttClientOptions
        {
            Host = broker.Host,
            Port = broker.Port,
            ClientId = "edgelab-bench-latency-" + Environment.ProcessId,
            UserName = broker.HubCredentials.UserName,
            Password = System.Text.Encoding.UTF8.GetBytes(broker.HubCredentials.Password),
        });
        await client.ConnectAsync(cancellationToken);
        var message = new MqttApplicationMessage { Topic = "bench/edgelab", Payload = new byte[size], QualityOfService = MqttQualityOfService.AtLeastOnce };
        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var result = await client.PublishAsync(message, cancellationToken);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (!result.IsSuccess) throw new InvalidOperationException($"publish refused: {result.ReasonCode}");
        }
        await client.DisconnectAsync(cancellationToken: cancellationToken);
        Array.Sort(samples);
        return samples;
    }

    private sealed record Run(double Seconds, double Rate, string Version = "");

    /// <summary>Keeps a ring of outstanding publishes, like an application draining a queue; the client holds the window.</summary>
    private static async Task<Run> RunOursAsync(MosquittoProcess broker, int count, int size, CancellationToken cancellationToken)
    {
        await using var client = new MqttClient(new MqttClientOptions
        {
            Host = broker.Host,
            Port = broker.Port,
            ClientId = "edgelab-bench-" + Environment.ProcessId,
            UserName = broker.HubCredentials.UserName,
            Password = System.Text.Encoding.UTF8.GetBytes(broker.HubCredentials.Password),
        });
        await client.ConnectAsync(cancellationToken);
        var message = new MqttApplicationMessage { Topic = "bench/edgelab", Payload = new byte[size], QualityOfService = MqttQualityOfService.AtLeastOnce };
        const int Outstanding = 256;
        var ring = new Task<MqttPublishResult>[Outstanding];
        var failed = 0;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var slot = i % Outstanding;
            if (ring[slot] is { } previous && !(await previous).IsSuccess) failed++;
            ring[slot] = client.PublishAsync(message, cancellationToken);
        }
        foreach (var t in ring)
            if (t is not null && !(await t).IsSuccess) failed++;
        watch.Stop();
        if (failed > 0) throw new InvalidOperationException($"{failed} publishes were not acknowledged with success");
        await client.DisconnectAsync(cancellationToken: cancellationToken);
        return new Run(watch.Elapsed.TotalSeconds, count / watch.Elapsed.TotalSeconds);
    }

    private static async Task<Run?> RunMqttJsAsync(MosquittoProcess broker, int count, int size, TextWriter output, CancellationToken cancellationToken)
    {
        var dir = Path.Combine(EdgeLabComponents.RepositoryRoot(), "bench", "mqttjs");
        try
        {
            if (!Directory.Exists(Path.Combine(dir, "node_modules", "mqtt")))
            {
                output.WriteLine("  installing MQTT.js: npm install --no-audit --no-fund (bench/mqttjs)");
                await using var npm = ChildProcess.Start("npm", ["install", "--no-audit", "--no-fund"], dir, name: "npm");
                if (!await npm.WaitForExitAsync(TimeSpan.FromMinutes(5)) || npm.ExitCode != 0)
                {
                    output.WriteLine("  npm install failed: " + npm.Output);
                    return null;
                }
            }
            var inv = CultureInfo.InvariantCulture;
            await using var node = ChildProcess.Start("node",
                ["publish.js", "--port", broker.Port.ToString(inv), "--count", count.ToString(inv), "--size", size.ToString(inv),
                 "--username", broker.HubCredentials.UserName, "--password-file", broker.HubPasswordFile], dir, name: "node");
            if (!await node.WaitForExitAsync(TimeSpan.FromMinutes(5)) || node.ExitCode != 0)
            {
                output.WriteLine("  MQTT.js run failed: " + node.Output);
                return null;
            }
            var line = node.Output.Split('\n').Last(l => l.TrimStart().StartsWith('{'));
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return new Run(root.GetProperty("seconds").GetDouble(), root.GetProperty("rate").GetDouble(), root.GetProperty("version").GetString() ?? "");
        }
        catch (InvalidOperationException ex)
        {
            output.WriteLine("  MQTT.js not run: " + ex.Message);
            return null;
        }
    }
}
