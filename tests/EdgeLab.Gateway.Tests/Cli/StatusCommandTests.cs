using EdgeLab.Gateway.Cli;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Tests.LocalStatus;
using EdgeLab.Instruments.Dialect;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.Cli;

/// <summary>
/// <c>edgelab-gateway status</c> against a real running <c>edgelab-gateway run</c> process with an analyzer on a socat
/// pty: the link up and the last message; the cable pulled (socat ended) — the words change to what a technician does;
/// the gateway stopped — a clear "not running" and exit code 3. No broker runs, so the hub link shows as down.
/// </summary>
public sealed class StatusCommandTests
{
    private static async Task<(int Exit, string Out, string Err)> StatusAsync(string config, params string[] more)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var json = more.Contains("--json");
        var lang = more.Contains("ru") ? "ru" : "en";
        var exit = await StatusCommand.RunAsync(new FileInfo(config), json, lang, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for: {what()}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Status_follows_the_running_gateway_through_an_unplugged_cable_and_a_stop()
    {
        using var dir = new ScratchDirectory("gw-status");
        var cable = await SocatPtyPair.StartAsync();
        await using var _ = cable;
        var config = new GatewayConfig
        {
            GatewayId = "status-gw01",
            DataDirectory = dir.File("data"),
            ProfilesDirectory = ProfileCatalog.FindDefaultDirectory(),
            TimeZone = "Asia/Tomsk",
            Mqtt = new MqttConfig { Host = "127.0.0.1", Port = FreeTcpPort.Next() },
            StatusPage = null,
            Instruments = [new InstrumentConfig { Id = "xn-1", Profile = "sysmex-xn", Transport = new TransportConfig { Type = TransportConfig.Serial, Path = cable.GatewayEnd } }],
        };
        var configPath = dir.File("gateway.json");
        await File.WriteAllTextAsync(configPath, GatewayConfigLoader.Serialize(config));

        await using (var gateway = EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["run", "--config", configPath], name: "gateway"))
        {
            (int Exit, string Out, string Err) status = default;
            await UntilAsync(async () =>
            {
                status = await StatusAsync(configPath);
                return status.Out.Contains("connected since", StringComparison.Ordinal);
            }, () => $"status shows the link up; last: exit {status.Exit} {status.Out}{status.Err}\ngateway: {gateway.Output}", TimeSpan.FromSeconds(60));
            Assert.Contains("xn-1 (sysmex-xn, " + cable.GatewayEnd + ")", status.Out, StringComparison.Ordinal);
            Assert.Contains("no message yet", status.Out, StringComparison.Ordinal);
            Assert.Contains("Not connected to the hub's broker", status.Out, StringComparison.Ordinal);

            var capture = SyntheticCapture.Write(dir.Path);
            await using (var simulator = EdgeLabComponents.Start(EdgeLabComponents.Simulator, ["replay", "--serial", cable.InstrumentEnd, capture], name: "simulator-replay"))
            {
                Assert.True(await simulator.WaitForExitAsync(TimeSpan.FromSeconds(90)), simulator.Output);
                Assert.True(simulator.ExitCode == 0, simulator.Output);
            }
            status = await StatusAsync(configPath);
            Assert.Contains("(results), 1 today", status.Out, StringComparison.Ordinal);
            // The result and the link-up event wait in the outbox: no broker runs.
            Assert.Matches(@"Waiting to be sent: [1-9][0-9]*, the oldest since [0-9]{2}:[0-9]{2}\.", status.Out);
            Assert.Equal(StatusCommand.Ok, status.Exit);
            var json = await StatusAsync(configPath, "--json");
            Assert.Contains("\"link\": \"up\"", json.Out, StringComparison.Ordinal);
            foreach (var secret in SyntheticCapture.Secrets)
            {
                Assert.DoesNotContain(secret, status.Out, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, json.Out, StringComparison.Ordinal);
            }

            // The technician pulls the cable: socat ends and both pty ends disappear.
            await cable.UnplugAsync();
            await UntilAsync(async () =>
            {
                status = await StatusAsync(configPath);
                return status.Out.Contains("NO CONNECTION since", StringComparison.Ordinal);
            }, () => $"status shows the link down; last: {status.Out}", TimeSpan.FromSeconds(60));
            Assert.Equal(StatusCommand.Attention, status.Exit);
            Assert.Contains("ATTENTION", status.Out, StringComparison.Ordinal);
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(status.Out, "problem: +(No answer from the analyzer on|The gateway does not see the analyzer's cable on) " + System.Text.RegularExpressions.Regex.Escape(cable.GatewayEnd)),
                $"the problem names the cable or the silent analyzer; status was:\n{status.Out}\ngateway: {gateway.Output}");
            Assert.Contains("what to do:", status.Out, StringComparison.Ordinal);
            Assert.Contains("cable", status.Out, StringComparison.Ordinal);
            var ru = await StatusAsync(configPath, "ru");
            Assert.Contains("НЕТ СВЯЗИ с", ru.Out, StringComparison.Ordinal);
            Assert.Contains("что делать:", ru.Out, StringComparison.Ordinal);

            await gateway.StopAsync(TimeSpan.FromSeconds(20));
            Assert.True(gateway.HasExited);
        }

        // Stopped: the real CLI says so in words and exits 3.
        await using var cli = EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["status", "--config", configPath, "--lang", "en"], name: "status");
        Assert.True(await cli.WaitForExitAsync(TimeSpan.FromSeconds(60)), cli.Output);
        Assert.Equal(StatusCommand.NotRunning, cli.ExitCode);
        Assert.Contains("The gateway status-gw01 is not running", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_with_a_broken_configuration_names_the_field_and_exits_2()
    {
        using var dir = new ScratchDirectory("gw-status");
        var path = dir.File("gateway.json");
        await File.WriteAllTextAsync(path, """{ "gatewayId": "x", "dataDirectory": "/tmp", "mqtt": { "host": "h" } }""");
        var (exit, _, err) = await StatusAsync(path);
        Assert.Equal(StatusCommand.ConfigError, exit);
        Assert.Contains("gatewayId", err, StringComparison.Ordinal);
    }
}
