using System.Net.Sockets;
using System.Text;
using EdgeLab.Gateway.Configuration;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.Hosting;

/// <summary>
/// The real <c>edgelab-gateway run</c> speaks sd_notify(3) to the socket systemd would give it (here a real Unix
/// datagram socket the test binds): <c>READY=1</c> after start, then <c>WATCHDOG=1</c> at half <c>WATCHDOG_USEC</c>,
/// which is what <c>Type=notify</c> and <c>WatchdogSec=</c> in deploy/systemd/edgelab-gateway.service rely on.
/// </summary>
public sealed class SystemdNotifyTests
{
    [Fact]
    public async Task The_gateway_reports_ready_and_then_feeds_the_watchdog()
    {
        using var dir = new ScratchDirectory("sdnotify");
        var config = new GatewayConfig
        {
            GatewayId = "notify-gw01",
            DataDirectory = dir.File("data"),
            ProfilesDirectory = dir.File("profiles"),
            Mqtt = new MqttConfig { Host = "127.0.0.1", Port = FreeTcpPort.Next() },
            StatusPage = null,
        };
        Directory.CreateDirectory(config.ProfilesDirectory);
        var configPath = dir.File("gateway.json");
        await File.WriteAllTextAsync(configPath, GatewayConfigLoader.Serialize(config));
        var socketPath = dir.File("notify");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(socketPath));

        await using var gateway = EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["run", "--config", configPath],
            environment: new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath, ["WATCHDOG_USEC"] = "400000" }, name: "gateway");

        var received = new List<string>();
        var buffer = new byte[256];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (received.Count(m => m == "WATCHDOG=1") < 2)
        {
            int length;
            try
            {
                length = await systemd.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"received [{string.Join(", ", received)}]; gateway:\n{gateway.Output}");
                return;
            }
            received.Add(Encoding.ASCII.GetString(buffer, 0, length));
        }
        Assert.Equal("READY=1", received[0]);
    }
}
