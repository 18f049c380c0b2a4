using System.Text.Json.Nodes;
using EdgeLab.LocalServices;
using Microsoft.Data.Sqlite;

namespace EdgeLab.EndToEnd.Tests;

/// <summary>
/// Issue 9 "Logs", the gateway's leg (tests/EdgeLab.Hub.Tests/Hosting/LogRedactionTests scans the hub's): the built
/// gateway at its default log level takes an analyzer's message carrying a synthetic patient's id, name, birth date and
/// values over a serial line, publishes it, gets it acked by the real hub; neither process's log holds any of them.
/// </summary>
public sealed class GatewayLogRedactionTests
{
    private const string GatewayId = "logscan-gw01";
    private const string LabId = "logscan-lab";
    private const string Specimen = "LOG0000042";
    private const string PatientId = "PID4471902";
    private const string Family = "ZARECHNAYA";
    private const string Given = "VESNA";
    private const string BirthDate = "19710819";
    private const string Hgb = "143.217";
    private const string Wbc = "6.4913";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task No_patient_data_reaches_the_gateway_log_or_the_hub_log()
    {
        using var scratch = new ScratchDirectory("gw-logscan");
        await using var broker = await MosquittoProcess.StartAsync();
        var hubData = scratch.File("hub");
        foreach (var args in new[]
        {
            new[] { "organizations", "add", "--id", LabId, "--name", "Log Scan Lab", "--kind", "lab", "--data", hubData },
            new[] { "gateways", "add", "--id", GatewayId, "--lab", LabId, "--data", hubData },
        })
        {
            await using var cli = EdgeLabComponents.Start(EdgeLabComponents.Hub, args);
            Assert.True(await cli.WaitForExitAsync(Patience), cli.Output);
            Assert.True(cli.ExitCode == 0, cli.Output);
        }
        await using var hub = EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", "--roles", "ingest", "--data", hubData, .. broker.HubArguments, "--urls", $"http://127.0.0.1:{FreeTcpPort.Next()}"], name: "hub");
        await WaitAsync(() => hub.Output.Contains("Ingest subscribed", StringComparison.Ordinal), "the hub's subscription", hub);

        await using var cable = await SocatPtyPair.StartAsync();
        var passwordFile = broker.PasswordFileFor(await broker.AddUserAsync(GatewayId));
        var gatewayData = scratch.File("data");
        var gateway = EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["run", "--config", WriteConfig(scratch, cable.GatewayEnd, broker.Port, passwordFile, gatewayData)], name: "gateway");
        await using (gateway)
        {
            await WaitAsync(() => gateway.Output.Contains("Instrument analyzer-1 link up", StringComparison.Ordinal), "the gateway's serial link", gateway);
            // LIS02-A2 records as the analyzer sends them: P.3 patient id, P.6 name, P.8 birth date; two results.
            var capture = scratch.File("patient.astm");
            await File.WriteAllTextAsync(capture, string.Join('\n',
                "H|\\^&|||LogScanAnalyzer^1.0|||||||P|LIS2-A2|20261205101500",
                $"P|1||{PatientId}||{Family}^{Given}^O||{BirthDate}|F",
                $"O|1|{Specimen}||^^^CBC|R|20261205101500|||||N||||BLOOD||||||||||F",
                $"R|1|^^^HGB|{Hgb}|g/L|120-150|N||F||||20261205101500",
                $"R|2|^^^WBC|{Wbc}|10*9/L|4-9|N||F||||20261205101500",
                $"C|1|I|patient {Family} {Given} born {BirthDate}|G",
                "L|1|N") + "\n");
            await using (var simulator = EdgeLabComponents.Start(EdgeLabComponents.Simulator, ["replay", capture, "--serial", cable.InstrumentEnd], name: "simulator"))
                Assert.True(await simulator.WaitForExitAsync(Patience) && simulator.ExitCode == 0, simulator.Output);
            await WaitAsync(() => Count(Path.Combine(hubData, "hub.db"), $"SELECT COUNT(*) FROM unmatched_result WHERE specimen_id = '{Specimen}'") > 0, "the result at the hub", hub);
            await WaitAsync(() => Count(Path.Combine(gatewayData, "gateway.db"), "SELECT COUNT(*) FROM outbox") == 0, "the hub's ack at the gateway", gateway);
            await gateway.StopAsync(TimeSpan.FromSeconds(10));
        }
        await hub.StopAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("analyzer-1", gateway.Output, StringComparison.Ordinal); // it did log, at the default level
        var needles = new Dictionary<string, string>
        {
            ["patient id"] = PatientId,
            ["family"] = Family,
            ["given"] = Given,
            ["birth date"] = BirthDate,
            ["birth date (ISO)"] = "1971-08-19",
            ["HGB value"] = Hgb,
            ["WBC value"] = Wbc,
        };
        foreach (var (who, log) in new[] { ("gateway", gateway.Output), ("hub", hub.Output) })
        {
            var hits = needles.Where(n => log.Contains(n.Value, StringComparison.OrdinalIgnoreCase)).Select(n => n.Key).ToList();
            Assert.True(hits.Count == 0, $"the {who} log holds {string.Join(", ", hits)}:\n{log}");
        }
    }

    private static string WriteConfig(ScratchDirectory scratch, string serialPath, int brokerPort, string passwordFile, string dataDirectory)
    {
        var config = new JsonObject
        {
            ["configVersion"] = 1,
            ["gatewayId"] = GatewayId,
            ["organizationId"] = LabId,
            ["dataDirectory"] = dataDirectory,
            ["profilesDirectory"] = Path.Combine(EdgeLabComponents.RepositoryRoot(), "firmware-config", "instruments"),
            ["mqtt"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = brokerPort, ["username"] = GatewayId, ["passwordFile"] = passwordFile },
            ["instruments"] = new JsonArray
            {
                new JsonObject
                {
                    ["id"] = "analyzer-1",
                    ["profile"] = "generic-lis2",
                    ["transport"] = new JsonObject { ["type"] = "serial", ["path"] = serialPath, ["baud"] = 9600 },
                },
            },
        };
        var path = scratch.File("gateway.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    private static long Count(string file, string sql)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    private static async Task WaitAsync(Func<bool> condition, string what, ChildProcess process)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}\n{process.Output}");
            await Task.Delay(50);
        }
    }
}
