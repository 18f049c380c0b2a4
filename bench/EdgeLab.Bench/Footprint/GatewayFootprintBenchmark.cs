using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeLab.LocalServices;

namespace EdgeLab.Bench.Footprint;

/// <summary>
/// Issue 3 footprint: the real gateway process serving 8 simulated instruments (TCP, ASTM and HL7, each with a live
/// simulator sending results) — resident memory read from /proc/PID/status and time from process start until every
/// instrument port accepts connections. Peer: a bare `dotnet` hello-world-sized process (the runtime's own floor).
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
        await using var gateway = EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["run", "--config", configPath]);
        foreach (var port in ports)
            await FreeTcpPort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30), () => !gateway.HasExited);
        var startTime = started.Elapsed;

        // Load: one simulator per instrument generating results for 10 s.
        var simulators = new List<ChildProcess>();
        for (var i = 0; i < Instruments; i++)
        {
            simulators.Add(EdgeLabComponents.Start(EdgeLabComponents.Simulator,
                ["generate", "--protocol", i % 2 == 0 ? "astm" : "hl7", "--tcp-connect", $"127.0.0.1:{ports[i]}", "--instruments", "1", "--rate", "2", "--duration", "10"]));
        }
        long peakRss = 0;
        var sampling = Stopwatch.StartNew();
        while (sampling.Elapsed < TimeSpan.FromSeconds(10))
        {
            peakRss = Math.Max(peakRss, ResidentBytes(gateway.Pid));
            await Task.Delay(250);
        }
        foreach (var s in simulators) await s.DisposeAsync();
        var settledRss = ResidentBytes(gateway.Pid);

        var floor = await RuntimeFloorAsync();
        output.WriteLine($"gateway start until all {Instruments} instrument ports listen: {startTime.TotalSeconds:0.00} s (target ≤ 2 s)");
        output.WriteLine($"gateway resident memory under load: peak {Mb(peakRss)} MB, settled {Mb(settledRss)} MB (target ≤ 48 MB)");
        output.WriteLine($"peer: bare .NET runtime process (`dotnet --version`-sized host) {Mb(floor)} MB; gateway/peer = {(double)peakRss / Math.Max(1, floor):0.00}x");
    }

    private static async Task<long> RuntimeFloorAsync()
    {
        // The simulator's --help is a small .NET program: the floor any .NET process on this box pays.
        await using var p = EdgeLabComponents.Start(EdgeLabComponents.Simulator, ["replay", "--help"]);
        long rss = 0;
        while (!p.HasExited)
        {
            rss = Math.Max(rss, ResidentBytes(p.Pid));
            await Task.Delay(5);
        }
        return rss;
    }

    internal static long ResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
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
