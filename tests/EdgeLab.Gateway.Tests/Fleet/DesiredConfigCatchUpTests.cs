using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;

namespace EdgeLab.Gateway.Tests.Fleet;

/// <summary>
/// Desired configuration is retained and versioned (issue 12 §2): a gateway that was down while regional IT changed its
/// configuration twice gets the latest on connect, applies only that one, and reports it in its retained status —
/// the replay Azure device-twin users miss. Real Mosquitto; the test plays the hub.
/// </summary>
public sealed class DesiredConfigCatchUpTests
{
    [Fact]
    public async Task A_gateway_down_while_the_desired_version_changed_twice_applies_the_latest_on_connect()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await HubPeer.StartAsync(broker, "test-gw01", autoAck: true);
        // What the gateway's own file says (version 1), as the hub knew it when the gateway went down.
        var baseline = new GatewayConfig { GatewayId = "test-gw01", DataDirectory = "/var/lib/edgelab", Mqtt = new MqttConfig { Host = "127.0.0.1", Port = broker.Port }, StatusPage = null };
        await PublishRetainedAsync(hub, 2, baseline with { Management = baseline.Management with { HeartbeatSeconds = 40 } });
        await PublishRetainedAsync(hub, 3, baseline with { Management = baseline.Management with { HeartbeatSeconds = 45 } });

        await using var gw = await GatewayUnderTest.StartAsync(broker, configure: c => c with { Management = c.Management with { HeartbeatSeconds = 30 } });

        await Eventually.TrueAsync(() => hub.Statuses().Any(s => s.Online && s.ConfigVersion == 3), "status reports version 3");
        Assert.Equal(3, gw.App.Runtime.Config.ConfigVersion);
        Assert.Equal(45, gw.App.Runtime.Config.Management.HeartbeatSeconds);
        // The event travels through the outbox, the status does not: the status may arrive first.
        await Eventually.TrueAsync(() => hub.Events().Any(e => e.Type == EventTypes.ConfigApplied), "config-applied event");
        var applied = hub.Events().Where(e => e.Type == EventTypes.ConfigApplied).Select(e => e.Text).ToList();
        Assert.Equal(["configuration version 3 applied"], applied);
        Assert.Contains("\"heartbeatSeconds\": 45", await File.ReadAllTextAsync(gw.ConfigPath));
    }

    /// <summary>The hub's way of publishing desired configuration: retained, so the broker hands the latest to a gateway that connects later.</summary>
    private static Task PublishRetainedAsync(HubPeer hub, long version, GatewayConfig desired) =>
        hub.Client.PublishAsync(new MqttApplicationMessage
        {
            Topic = Topics.Config("test-gw01"),
            Payload = JsonSerializer.SerializeToUtf8Bytes(
                new ConfigMessage { Version = version, Document = JsonDocument.Parse(GatewayConfigLoader.Serialize(desired)).RootElement }, WireJson.Default.ConfigMessage),
            Retain = true,
        });
}
