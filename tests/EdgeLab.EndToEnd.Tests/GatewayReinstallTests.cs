using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeLab.LocalServices;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace EdgeLab.EndToEnd.Tests;

/// <summary>
/// Issue 9: a gateway's store is replaced (SD card swap, reinstall) under the same gateway id. Real processes: Mosquitto,
/// the built hub on SQLite, the built gateway and simulator over a socat pseudo-terminal. The gateway streams results,
/// the hub stores and acks them; the gateway is SIGKILLed, its data folder wiped, and it is restarted with the same id,
/// so its outbox sequence starts again at 1. Before epochs the hub took the new ids for repeats of ids it had seen,
/// acked them and stored nothing (10 of 10 lost). Now: 0 lost, 0 doubled, and the new epoch is recorded and alerted.
/// </summary>
public sealed class GatewayReinstallTests(ITestOutputHelper log)
{
    private const string GatewayId = "reinstall-gw01";
    private const string LabId = "reinstall-lab";
    private const int MessagesPerStore = 12;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_gateway_whose_data_folder_is_wiped_and_restarted_with_the_same_id_loses_nothing_and_doubles_nothing()
    {
        using var scratch = new ScratchDirectory("reinstall");
        await using var broker = await MosquittoProcess.StartAsync();
        var hubData = scratch.File("hub");
        foreach (var args in new[]
        {
            new[] { "organizations", "add", "--id", LabId, "--name", "Reinstall Lab", "--kind", "lab", "--data", hubData },
            new[] { "gateways", "add", "--id", GatewayId, "--lab", LabId, "--data", hubData },
        })
        {
            await using var cli = EdgeLabComponents.Start(EdgeLabComponents.Hub, args);
            Assert.True(await cli.WaitForExitAsync(TimeSpan.FromSeconds(60)), cli.Output);
            Assert.True(cli.ExitCode == 0, cli.Output);
        }
        await using var hub = EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", "--roles", "ingest", "--data", hubData, .. broker.HubArguments, "--urls", $"http://127.0.0.1:{FreeTcpPort.Next()}"], name: "hub");
        await WaitAsync(() => hub.Output.Contains("Ingest subscribed", StringComparison.Ordinal), "the hub's subscription", hub);
        await using var cable = await SocatPtyPair.StartAsync();
        var passwordFile = broker.PasswordFileFor(await broker.AddUserAsync(GatewayId));
        var configPath = WriteConfig(scratch, cable.GatewayEnd, broker.Port, passwordFile);
        var acked = new ConcurrentDictionary<string, byte>();

        // The first store: stream, and wait until the hub holds every message (it acks after committing).
        var gateway = await StartGatewayAsync(configPath);
        await StreamAsync(cable.InstrumentEnd, run: 1, acked, gateway);
        await WaitAsync(() => StoredMessages(hubData).Count == MessagesPerStore, "the first store's messages at the hub", hub);
        // The end-to-end acks reach the gateway: it deletes each acked row from its outbox.
        await WaitAsync(() => UnackedRows(scratch.File("data")) == 0, "the hub's acks at the gateway (an empty outbox)", gateway);

        // The SD card is replaced: killed, data folder wiped, restarted with the same configuration and gateway id.
        gateway.Signal(PosixSignals.SIGKILL);
        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        await gateway.DisposeAsync();
        Directory.Delete(scratch.File("data"), recursive: true);
        gateway = await StartGatewayAsync(configPath);
        try
        {
            await StreamAsync(cable.InstrumentEnd, run: 2, acked, gateway);
            await WaitAsync(() => StoredMessages(hubData).Count == 2 * MessagesPerStore, "the second store's messages at the hub", hub);
        }
        finally
        {
            await gateway.StopAsync(TimeSpan.FromSeconds(10));
            await gateway.DisposeAsync();
        }

        var stored = StoredMessages(hubData);
        log.WriteLine($"{acked.Count} ACKed by the gateway to the analyzer, {stored.Count} messages stored by the hub");
        Assert.Equal(2 * MessagesPerStore, acked.Count);
        var lost = acked.Keys.Where(s => !stored.ContainsKey(s)).ToList();
        Assert.True(lost.Count == 0, $"lost: {string.Join(", ", lost)}\nhub:\n{hub.Output}");
        var doubled = stored.Where(s => s.Value.Count > 1).Select(s => s.Key).ToList();
        Assert.True(doubled.Count == 0, $"stored under two message ids: {string.Join(", ", doubled)}");
        // Two epochs recorded for the gateway, the same sequences in both, and the new one alerted.
        Assert.Equal(2, stored.Values.Select(v => v.Single().Split(':')[1]).Distinct().Count());
        Assert.Contains("alert-new-epoch", hub.Output, StringComparison.Ordinal);
    }

    private static async Task StreamAsync(string serialPath, int run, ConcurrentDictionary<string, byte> acked, ChildProcess gateway)
    {
        var specimens = string.Join(',', Enumerable.Range(1, MessagesPerStore).Select(k => $"RI{run:D2}{k:D5}"));
        await using var simulator = EdgeLabComponents.Start(EdgeLabComponents.Simulator,
        [
            "generate", "--protocol", "astm", "--serial", serialPath, "--count", MessagesPerStore.ToString(CultureInfo.InvariantCulture),
            "--rate", "50", "--specimens", specimens, "--seed", run.ToString(CultureInfo.InvariantCulture),
        ], name: $"simulator-{run}");
        simulator.Line += line =>
        {
            // README: "ACKED <id> <utc> <bytes> <elapsed-ms> <specimen>".
            if (line.Split(' ') is ["ACKED", _, _, _, _, var specimen]) acked[specimen] = 0;
        };
        Assert.True(await simulator.WaitForExitAsync(Patience), $"simulator did not finish\n{simulator.Output}\ngateway:\n{gateway.Output}");
        await Task.Delay(100); // the output readers drain the last ACKED lines
    }

    /// <summary>Specimen → the message ids the hub stored it under (held as unmatched: the tubes are not registered).</summary>
    private static Dictionary<string, List<string>> StoredMessages(string hubData)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(hubData, "hub.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT specimen_id, message_id FROM unmatched_result WHERE gateway_id = $gw";
        cmd.Parameters.AddWithValue("$gw", GatewayId);
        var stored = new Dictionary<string, List<string>>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var specimen = r.IsDBNull(0) ? "(none)" : r.GetString(0);
            (stored.TryGetValue(specimen, out var ids) ? ids : stored[specimen] = []).Add(r.GetString(1));
        }
        return stored;
    }

    /// <summary>Rows of the gateway's outbox (gateway/ARCHITECTURE.md: a row stays until the hub's ack for it arrives).</summary>
    private static long UnackedRows(string gatewayData)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(gatewayData, "gateway.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM outbox";
        return (long)cmd.ExecuteScalar()!;
    }

    private static string WriteConfig(ScratchDirectory scratch, string serialPath, int brokerPort, string passwordFile)
    {
        var config = new JsonObject
        {
            ["configVersion"] = 1,
            ["gatewayId"] = GatewayId,
            ["organizationId"] = LabId,
            ["dataDirectory"] = scratch.File("data"),
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

    private static async Task<ChildProcess> StartGatewayAsync(string configPath)
    {
        var gateway = EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["run", "--config", configPath], name: "gateway");
        // The serial line flushes stale bytes when it opens, so the instrument may only talk once the link is up.
        await WaitAsync(() => gateway.Output.Contains("Instrument analyzer-1 link up", StringComparison.Ordinal), "the gateway's serial link", gateway);
        return gateway;
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
