using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeLab.LocalServices;

namespace EdgeLab.EndToEnd.Tests;

/// <summary>
/// Issue 10, item 8: a normal SIGTERM (systemd stopping the service) is a clean stop, not an error. The built gateway
/// runs with a serial instrument on a socat pty and a TCP instrument connected, is sent SIGTERM, and must exit 0
/// with no stack trace and no exception in its log.
/// </summary>
public sealed partial class GatewayShutdownTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sigterm_with_a_pty_and_a_tcp_instrument_connected_stops_cleanly_without_a_stack_trace()
    {
        using var scratch = new ScratchDirectory("sigterm");
        await using var cable = await SocatPtyPair.StartAsync();
        var tcpPort = FreeTcpPort.Next();
        var configPath = WriteConfig(scratch, cable.GatewayEnd, tcpPort);
        await using var gateway = EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["run", "--config", configPath]);
        await WaitAsync(() => gateway.Output.Contains("Instrument serial-1 link up", StringComparison.Ordinal), "the serial link", gateway);

        // Both links up and idle, as in a lab at night (socat holds the analyzer's end of the pty open).
        using var tcpAnalyzer = new TcpClient();
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                await tcpAnalyzer.ConnectAsync("127.0.0.1", tcpPort);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
        await WaitAsync(() => gateway.Output.Contains("Instrument tcp-1 link up", StringComparison.Ordinal), "the tcp link", gateway);

        gateway.Signal(PosixSignals.SIGTERM);
        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the gateway did not stop on SIGTERM:\n{gateway.Output}");

        var log = gateway.Output;
        Assert.True(gateway.ExitCode == 0, $"exit code {gateway.ExitCode}:\n{log}");
        Assert.DoesNotMatch(StackFrame(), log);
        Assert.DoesNotContain("Exception", log, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?m)^\s+at \S+\(")]
    private static partial Regex StackFrame();

    private static async Task WaitAsync(Func<bool> condition, string what, ChildProcess gateway)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline || gateway.HasExited) Assert.Fail($"no {what}:\n{gateway.Output}");
            await Task.Delay(20);
        }
    }

    private static string WriteConfig(ScratchDirectory scratch, string serialPath, int tcpPort)
    {
        var config = new JsonObject
        {
            ["configVersion"] = 1,
            ["gatewayId"] = "sigterm-gw01",
            ["organizationId"] = "sigterm-lab",
            ["dataDirectory"] = scratch.File("data"),
            ["profilesDirectory"] = Path.Combine(EdgeLabComponents.RepositoryRoot(), "firmware-config", "instruments"),
            // No broker: the uplink is retrying when the stop comes, which must not be an error either.
            ["mqtt"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = FreeTcpPort.Next() },
            ["instruments"] = new JsonArray
            {
                new JsonObject
                {
                    ["id"] = "serial-1",
                    ["profile"] = "generic-lis2",
                    ["transport"] = new JsonObject { ["type"] = "serial", ["path"] = serialPath, ["baud"] = 9600 },
                },
                new JsonObject
                {
                    ["id"] = "tcp-1",
                    ["profile"] = "generic-lis2",
                    ["transport"] = new JsonObject { ["type"] = "tcp-server", ["port"] = tcpPort },
                },
            },
        };
        var path = scratch.File("gateway.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }
}
