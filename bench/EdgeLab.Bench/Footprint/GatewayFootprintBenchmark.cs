using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeLab.Bench.EndToEnd;
using EdgeLab.LocalServices;
using Microsoft.Data.Sqlite;

namespace EdgeLab.Bench.Footprint;

/// <summary>
/// Issue 3 footprint: the real gateway process serving 8 simulated instruments (TCP, ASTM and HL7, each with a live
/// simulator sending results) — resident memory read from /proc/PID/status and time from process start until every
/// instrument port accepts connections. A real hub acknowledges end to end, and the run fails unless the gateway's
/// outbox drains, so the figure is that of a gateway doing all its work. Peer: an idle .NET console process (the
/// runtime's own floor), in the same run.
/// </summary>
internal static class GatewayFootprintBenchmark
{
    private const int Instruments = 8;

    public static async Task RunAsync(TextWriter output)
    {
        output.WriteLine("== gateway footprint: 8 instruments (simulated), resident memory and start time");
        await using var broker = await MosquittoProcess.StartAsync();
        using var scratch = new ScratchDirectory("bench-footprint");
        var repo = EdgeLabComponents.RepositoryRoot();
        string[] hubData = ["--data", scratch.File("hub")];
        await EndToEndLatencyBenchmark.RunToEndAsync(EdgeLabComponents.Hub, ["migrate", .. hubData]);
        await EndToEndLatencyBenchmark.RunToEndAsync(EdgeLabComponents.Hub, ["organizations", "add", "--id", "bench-lab", "--name", "Bench laboratory", "--kind", "lab", .. hubData]);
        await EndToEndLatencyBenchmark.RunToEndAsync(EdgeLabComponents.Hub, ["gateways", "add", "--id", "bench-gw01", "--lab", "bench-lab", .. hubData]);
        await using var hub = EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", .. hubData, .. broker.HubArguments, "--urls", $"http://127.0.0.1:{FreeTcpPort.Next()}"]);
        // The gateway must not publish before the hub's shared subscription exists: Mosquitto drops a message nobody
        // subscribes to, and the gateway resends only after its resend interval, which would time the bench, not the gateway.
        var hubReady = Stopwatch.StartNew();
        while (!hub.Output.Contains("Ingest subscribed", StringComparison.Ordinal))
        {
            if (hub.HasExited || hubReady.Elapsed > TimeSpan.FromSeconds(90)) throw new InvalidOperationException("the hub did not subscribe:\n" + hub.Output);
            await Task.Delay(100);
        }
        var ports = Enumerable.Range(0, Instruments).Select(_ => FreeTcpPort.Next()).ToArray();
        var instruments = new JsonArray();
        for (var i = 0; i < Instruments; i++)
        {
            instruments.Add(new JsonObject
            {
                ["id"] = $"analyzer-{i + 1}",
                ["profile"] = i % 2 == 0 ? "generic-lis2" : "generic-hl7",
                ["transport"] = new JsonObject { ["type"] = "tcp-server", ["host"] = "127.0.0.1", ["port"] = ports[i] },
            });
        }
        var passwordFile = broker.PasswordFileFor(await broker.AddUserAsync("bench-gw01")); // no anonymous clients (issue 9)
        var config = new JsonObject
        {
            ["configVersion"] = 1,
            ["gatewayId"] = "bench-gw01",
            ["organizationId"] = "bench-lab",
            ["dataDirectory"] = scratch.File("data"),
            ["profilesDirectory"] = Path.Combine(repo, "firmware-config", "instruments"),
            ["mqtt"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = broker.Port, ["username"] = "bench-gw01", ["passwordFile"] = passwordFile },
            ["instruments"] = instruments,
        };
        var configPath = scratch.File("gateway.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());

        var started = Stopwatch.StartNew();
        // EDGELAB_GATEWAY_EXE measures another build of the gateway, e.g. a trimmed self-contained publish (README, Deployment).
        var exe = Environment.GetEnvironmentVariable("EDGELAB_GATEWAY_EXE");
        output.WriteLine(exe is null ? "gateway: framework-dependent build (dotnet edgelab-gateway.dll)" : $"gateway: {exe} (EDGELAB_GATEWAY_EXE)");
        await using var gateway = exe is null
            ? EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["run", "--config", configPath])
            : ChildProcess.Start(exe, ["run", "--config", configPath], name: "edgelab-gateway");
        foreach (var port in ports)
            await FreeTcpPort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30), () => !gateway.HasExited);
        var startTime = started.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(2)); // let start-up work (profiles, outbox, first uplink connect) settle
        var idle = Memory(gateway.Pid);

        // Load: one simulator per instrument (4 ASTM over LIS01-A2, 4 HL7 over MLLP) generating results for 10 s.
        var simulators = new List<ChildProcess>();
        for (var i = 0; i < Instruments; i++)
        {
            simulators.Add(EdgeLabComponents.Start(EdgeLabComponents.Simulator,
                ["generate", "--protocol", i % 2 == 0 ? "astm" : "hl7", "--tcp-connect", $"127.0.0.1:{ports[i]}", "--instruments", "1", "--rate", "2", "--duration", "10"]));
        }
        long peakRss = 0;
        var sampling = Stopwatch.StartNew();
        while (sampling.Elapsed < TimeSpan.FromSeconds(10) || simulators.Any(s => !s.HasExited) && sampling.Elapsed < TimeSpan.FromSeconds(60))
        {
            peakRss = Math.Max(peakRss, Memory(gateway.Pid).Rss);
            await Task.Delay(250);
        }
        var (sent, acked) = (0, 0);
        foreach (var s in simulators)
        {
            await s.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(50); // the output reader takes the SUMMARY line
            sent += SummaryField(s.Output, "sent");
            acked += SummaryField(s.Output, "acked");
            await s.DisposeAsync();
        }
        if (acked == 0) throw new InvalidOperationException("the simulators got no message acknowledged: the gateway served nothing, so its memory figure would mean nothing\n" + gateway.Output);
        var drained = await OutboxDrainedAsync(scratch.File("data"), TimeSpan.FromSeconds(120));
        if (drained is null) throw new InvalidOperationException("the gateway's outbox did not drain: the hub did not acknowledge every message end to end\n" + gateway.Output + "\n" + hub.Output);
        var after = Memory(gateway.Pid);
        var afterPrivate = PrivateBytes(gateway.Pid);

        var peer = await IdlePeerAsync();
        output.WriteLine($"gateway start until all {Instruments} instrument ports listen: {startTime.TotalSeconds:0.00} s (target ≤ 2 s)");
        output.WriteLine($"gateway after start, {Instruments} instruments up, idle: VmRSS {Mb(idle.Rss)} MB");
        output.WriteLine($"gateway under load ({Instruments} simulators, {acked}/{sent} messages acknowledged in ~10 s): peak sampled VmRSS {Mb(peakRss)} MB, " +
                         $"VmRSS after {Mb(after.Rss)} MB, VmHWM {Mb(after.Hwm)} MB (target ≤ 48 MB)");
        output.WriteLine($"end to end: every outbox row acknowledged by the hub {drained.Value.TotalSeconds:0.0} s after the simulators ended (outbox empty)");
        output.WriteLine($"gateway after load, private (not shared with other processes: heap, JIT code, touched data; smaps_rollup Private_*): {Mb(afterPrivate)} MB; " +
                         $"the rest of VmRSS is runtime and framework files mapped read-only, shared by every .NET process on the box");
        output.WriteLine($"peer: idle .NET console process (the runtime's floor here): VmRSS {Mb(peer.Rss)} MB, VmHWM {Mb(peer.Hwm)} MB; " +
                         $"gateway VmHWM / peer = {(double)after.Hwm / Math.Max(1, peer.Hwm):0.00}x, gateway above the floor: {Mb(after.Hwm - peer.Hwm)} MB");
    }

    /// <summary>
    /// Waits until the gateway's outbox is empty: a row is deleted only on the hub's end-to-end ack (DESIGN.md,
    /// guarantee 1). Read-only next to the running gateway (WAL). Null when it is not empty by the deadline.
    /// </summary>
    private static async Task<TimeSpan?> OutboxDrainedAsync(string dataDirectory, TimeSpan deadline)
    {
        var waited = Stopwatch.StartNew();
        var path = Path.Combine(dataDirectory, "gateway.db");
        while (waited.Elapsed < deadline)
        {
            await using (var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False"))
            {
                await db.OpenAsync();
                await using var count = db.CreateCommand();
                count.CommandText = "SELECT COUNT(*) FROM outbox";
                if (Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture) == 0)
                    return waited.Elapsed;
            }
            await Task.Delay(250);
        }
        return null;
    }

    /// <summary>Argument that makes edgelab-bench an idle process: the peer's memory is what any .NET process pays.</summary>
    public const string IdlePeerArgument = "--idle-peer";

    private static async Task<(long Rss, long Hwm)> IdlePeerAsync()
    {
        var bench = typeof(GatewayFootprintBenchmark).Assembly.Location;
        await using var p = ChildProcess.Start("dotnet", [bench, IdlePeerArgument, "4"], name: "idle-peer");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        return Memory(p.Pid);
    }

    private static int SummaryField(string output, string key)
    {
        // Simulator README: "SUMMARY <utc> instruments= sent= acked= …".
        var summary = output.Split('\n').LastOrDefault(l => l.StartsWith("SUMMARY ", StringComparison.Ordinal));
        var field = summary?.Split(' ').FirstOrDefault(f => f.StartsWith(key + "=", StringComparison.Ordinal));
        return field is null ? 0 : int.Parse(field[(key.Length + 1)..].TrimEnd('\r'), CultureInfo.InvariantCulture);
    }

    /// <summary>VmRSS (resident now) and VmHWM (the resident peak over the process's life) from /proc/PID/status.</summary>
    internal static (long Rss, long Hwm) Memory(int pid) => (StatusKb(pid, "VmRSS:"), StatusKb(pid, "VmHWM:"));

    private static long PrivateBytes(int pid)
    {
        long kb = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
                if (line.StartsWith("Private_", StringComparison.Ordinal))
                    kb += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
        }
        return kb * 1024;
    }

    private static long StatusKb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
                var kb = line[field.Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
