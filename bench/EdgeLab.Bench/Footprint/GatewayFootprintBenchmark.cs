using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeLab.LocalServices;

namespace EdgeLab.Bench.Footprint;

/// <summary>
/// Issue 3 footprint: the real gateway process serving 8 simulated instruments (TCP, ASTM and HL7, each with a live
/// simulator sending results) — resident memory read from /proc/PID/status and time from process start until every
/// instrument port accepts connections. Peer: an idle .NET console process (the runtime's own floor), in the same run.
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
        var config = new JsonObject
        {
            ["configVersion"] = 1,
            ["gatewayId"] = "bench-gw01",
            ["organizationId"] = "bench-lab",
            ["dataDirectory"] = scratch.File("data"),
            ["profilesDirectory"] = Path.Combine(repo, "firmware-config", "instruments"),
            ["mqtt"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = broker.Port },
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
        var after = Memory(gateway.Pid);
        var afterPrivate = PrivateBytes(gateway.Pid);
        if (acked == 0) throw new InvalidOperationException("the simulators got no message acknowledged: the gateway served nothing, so its memory figure would mean nothing\n" + gateway.Output);

        var peer = await IdlePeerAsync();
        output.WriteLine($"gateway start until all {Instruments} instrument ports listen: {startTime.TotalSeconds:0.00} s (target ≤ 2 s)");
        output.WriteLine($"gateway after start, {Instruments} instruments up, idle: VmRSS {Mb(idle.Rss)} MB");
        output.WriteLine($"gateway under load ({Instruments} simulators, {acked}/{sent} messages acknowledged in ~10 s): peak sampled VmRSS {Mb(peakRss)} MB, " +
                         $"VmRSS after {Mb(after.Rss)} MB, VmHWM {Mb(after.Hwm)} MB (target ≤ 48 MB)");
        output.WriteLine($"gateway after load, private (not shared with other processes: heap, JIT code, touched data; smaps_rollup Private_*): {Mb(afterPrivate)} MB; " +
                         $"the rest of VmRSS is runtime and framework files mapped read-only, shared by every .NET process on the box");
        output.WriteLine($"peer: idle .NET console process (the runtime's floor here): VmRSS {Mb(peer.Rss)} MB, VmHWM {Mb(peer.Hwm)} MB; " +
                         $"gateway VmHWM / peer = {(double)after.Hwm / Math.Max(1, peer.Hwm):0.00}x, gateway above the floor: {Mb(after.Hwm - peer.Hwm)} MB");
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
