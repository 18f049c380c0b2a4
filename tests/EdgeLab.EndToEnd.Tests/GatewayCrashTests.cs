using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLab.LocalServices;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace EdgeLab.EndToEnd.Tests;

/// <summary>
/// Issue 3: the built gateway is SIGKILLed at random points while the built simulator streams ASTM results to it over a
/// socat pseudo-terminal, and restarted on the same data directory and line. Whatever the simulator saw fully ACKed
/// (DESIGN.md guarantee 1: commit before the final ACK) must be in the outbox exactly once, nothing twice
/// (guarantee 2, the gateway recognising a repeat of the message it committed just before dying), and nothing
/// complete quarantined. No broker runs: the uplink keeps retrying, so every committed row stays in the outbox.
/// Set EDGELAB_CRASH_SEED to replay a failing run's kill points.
/// </summary>
public sealed class GatewayCrashTests(ITestOutputHelper log)
{
    private const int Kills = 3;
    // More than any run gets to send: a run ends by a lost link or when the test stops it.
    private const int MessagesPerRun = 5000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_message_acked_before_a_SIGKILL_is_in_the_outbox_exactly_once_after_restart()
    {
        var seed = Environment.GetEnvironmentVariable("EDGELAB_CRASH_SEED") is { } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var random = new Random(seed);
        var context = $"seed {seed} (rerun with EDGELAB_CRASH_SEED={seed})";
        log.WriteLine(context);

        using var scratch = new ScratchDirectory("crash");
        await using var cable = await SocatPtyPair.StartAsync();
        var configPath = WriteConfig(scratch, cable.GatewayEnd);
        var acked = new ConcurrentDictionary<string, string>();   // specimen → simulator message id
        var sent = new ConcurrentDictionary<string, byte>();
        var runs = 0;
        var repeats = 0; // messages a restarted gateway recognised as already committed (guarantee 2's crash window)

        var gateway = await StartGatewayAsync(configPath, context);
        ChildProcess? simulator = null;
        try
        {
            var kills = 0;
            while (true)
            {
                if (simulator is null || simulator.HasExited)
                {
                    // A kill between messages loses the next ENQ (the restarted gateway flushes the line): the
                    // simulator gives up on the link and a new run goes on with fresh specimen ids.
                    if (simulator is not null) await simulator.DisposeAsync();
                    simulator = StartSimulator(cable.InstrumentEnd, ++runs, seed, sent, acked);
                }
                var ackedBefore = acked.Count;
                var running = simulator;
                if (kills == Kills)
                {
                    // The last restarted gateway takes new messages (and the repeat of the one it died on) as it should.
                    await WaitAsync(() => acked.Count >= ackedBefore + 3 || running.HasExited, "three ACKs from the last restarted gateway", gateway, context);
                    if (acked.Count >= ackedBefore + 3) break;
                    continue;
                }
                // Kill somewhere in the stream: between messages, mid-frame, or between the commit and the final ACK.
                await WaitAsync(() => acked.Count > ackedBefore || running.HasExited, "the simulator's next ACK", gateway, context);
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(20, 1500)));
                gateway.Signal(PosixSignals.SIGKILL);
                Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10)), $"gateway did not die on SIGKILL; {context}");
                log.WriteLine($"kill {++kills}: {acked.Count} acked so far");
                repeats += Repeats(gateway.Output);
                await gateway.DisposeAsync();
                gateway = await StartGatewayAsync(configPath, context);
            }
            // Stopping the instrument mid-message is harmless: what it was never ACKed for is not asserted on.
            simulator.Signal(PosixSignals.SIGKILL);
            await simulator.WaitForExitAsync(TimeSpan.FromSeconds(10));
            await Task.Delay(100); // the output readers drain the last ACKED lines
        }
        finally
        {
            if (simulator is not null) await simulator.DisposeAsync();
            await gateway.StopAsync(TimeSpan.FromSeconds(10));
        }
        var gatewayOutput = gateway.Output;
        repeats += Repeats(gatewayOutput);
        await gateway.DisposeAsync();

        var stored = ReadOutbox(Path.Combine(scratch.File("data"), "gateway.db"));
        log.WriteLine($"{runs} simulator runs, {sent.Count} sent, {acked.Count} acked, {stored.Results.Count} result rows, {stored.Quarantine.Count} quarantined (incomplete), {repeats} repeats recognised after a restart");
        Assert.True(acked.Count >= Kills + 3, $"too few messages acknowledged to mean anything ({acked.Count}); {context}");

        var doubled = stored.Results.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => $"{g.Key}×{g.Count()}").ToList();
        Assert.True(doubled.Count == 0, $"stored more than once: {string.Join(", ", doubled)}; {context}");
        var missing = acked.Keys.Where(s => !stored.Results.Contains(s)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"ACKed to the instrument but not in the outbox: {string.Join(", ", missing)}; {context}\ngateway:\n{gatewayOutput}");
        var strangers = stored.Results.Where(s => !sent.ContainsKey(s)).ToList();
        Assert.True(strangers.Count == 0, $"outbox rows for specimens never sent: {string.Join(", ", strangers)}; {context}");
        // Only a message cut off by a kill or a timeout may be quarantined (kept for audit, never ACKed); a complete one never.
        var wrong = stored.Quarantine.Where(e => !e.StartsWith("incomplete message", StringComparison.Ordinal)).ToList();
        Assert.True(wrong.Count == 0, $"complete messages quarantined: {string.Join(" | ", wrong)}; {context}");
    }

    private static string WriteConfig(ScratchDirectory scratch, string serialPath)
    {
        var config = new JsonObject
        {
            ["configVersion"] = 1,
            ["gatewayId"] = "crash-gw01",
            ["organizationId"] = "crash-lab",
            ["dataDirectory"] = scratch.File("data"),
            ["profilesDirectory"] = Path.Combine(EdgeLabComponents.RepositoryRoot(), "firmware-config", "instruments"),
            // Nothing listens here: the uplink retries and never deletes, so the outbox holds every commit.
            ["mqtt"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = FreeTcpPort.Next() },
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

    private static async Task<ChildProcess> StartGatewayAsync(string configPath, string context)
    {
        var gateway = EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["run", "--config", configPath]);
        // The serial line flushes stale bytes when it opens, so the instrument may only talk once the link is up.
        await WaitAsync(() => gateway.Output.Contains("Instrument analyzer-1 link up", StringComparison.Ordinal), "the gateway's serial link", gateway, context);
        return gateway;
    }

    private static ChildProcess StartSimulator(string serialPath, int run, int seed, ConcurrentDictionary<string, byte> sent,
        ConcurrentDictionary<string, string> acked)
    {
        // Distinct specimen ids per run: a specimen id names one message, so the outbox can be matched to what was ACKed.
        var specimens = string.Join(',', Enumerable.Range(1, MessagesPerRun).Select(k => $"CR{run:D2}{k:D5}"));
        var simulator = EdgeLabComponents.Start(EdgeLabComponents.Simulator,
        [
            "generate", "--protocol", "astm", "--serial", serialPath, "--count", MessagesPerRun.ToString(CultureInfo.InvariantCulture),
            "--rate", "1000", "--specimens", specimens, "--seed", (seed + run).ToString(CultureInfo.InvariantCulture),
            // A killed gateway answers nothing: notice in 8 s rather than the standard's 15, then retry. Not shorter:
            // on a loaded machine a commit may take seconds, and a timeout then is a needless abort.
            "--reply-timeout", "8",
        ], name: $"simulator-{run}");
        simulator.Line += line =>
        {
            // README: "SENT <id> <utc> <specimen>" and "ACKED <id> <utc> <bytes> <elapsed-ms> <specimen>".
            var f = line.Split(' ');
            if (f is ["SENT", _, _, var s]) sent[s] = 0;
            else if (f is ["ACKED", var id, _, _, _, var specimen]) acked[specimen] = id;
        };
        return simulator;
    }

    private static int Repeats(string gatewayOutput) =>
        gatewayOutput.Split('\n').Count(l => l.Contains("acknowledged without a second row", StringComparison.Ordinal));

    private static async Task WaitAsync(Func<bool> condition, string what, ChildProcess gateway, string context)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}; {context}\ngateway:\n{gateway.Output}");
            await Task.Delay(20);
        }
    }

    private sealed record StoredOutbox(List<string> Results, List<string> Quarantine);

    /// <summary>Reads the outbox after the gateway stopped (schema: gateway/EdgeLab.Gateway/Outbox/OutboxDatabase.cs).</summary>
    private static StoredOutbox ReadOutbox(string databasePath)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        var results = new List<string>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT payload FROM outbox WHERE kind = 'result' ORDER BY seq";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                using var doc = JsonDocument.Parse((byte[])r.GetValue(0));
                results.Add(doc.RootElement.GetProperty("specimenId").GetString() ?? "(none)");
            }
        }
        var quarantine = new List<string>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT error FROM quarantine ORDER BY seq";
            using var r = cmd.ExecuteReader();
            while (r.Read()) quarantine.Add(r.GetString(0));
        }
        return new StoredOutbox(results, quarantine);
    }
}
