using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EdgeLab.LocalServices;

namespace EdgeLab.Bench.EndToEnd;

/// <summary>
/// Issue 5: end-to-end latency from the simulated analyzer's last frame to the result being readable in the FHIR API,
/// every part a real process on this machine: Mosquitto, the hub (SQLite), the gateways, the simulator (ASTM over TCP).
/// <para>t0 = the simulator's <c>ACKED</c> time (the gateway ACKed the last frame, i.e. after its commit). t1 = the
/// moment one FHIR read <c>GET /fhir/Observation?specimen=…</c> with the EMR's token returns the Observation; that read
/// is issued when the hub's trace says the message was stored, and repeated every 5 ms should it come back empty. The
/// stored time alone (t0 → hub commit) is printed beside it. Each message has its own registered referral and tube.</para>
/// <para>Gateways serve at most <see cref="InstrumentsPerGateway"/> analyzers each (3 at 300); a large lab would split
/// its analyzers between gateways much like that. Every analyzer sends at a fixed period; by default the analyzers'
/// schedules are spread over that period (simulator <c>--stagger</c>), as real analyzers finish samples independently.
/// <c>EDGELAB_E2E_PHASE=burst</c> starts them all in phase instead: every analyzer of a gateway sends in the same instant
/// each period, a stress case no lab produces.</para>
/// </summary>
internal static class EndToEndLatencyBenchmark
{
    private const int InstrumentsPerGateway = 100;
    private const string Lab = "bench-lab";
    private const string Clinic = "bench-clinic";

    /// <summary>Analyzers, each one's rate (simulator syntax) and messages per analyzer.</summary>
    private static readonly (int Analyzers, string Rate, double PerSecond, int Count)[] Levels =
    [
        (1, "2/s", 2, 40),
        (50, "12/min", 0.2, 8),
        (300, "6/min", 0.1, 4),
    ];

    private static bool Burst => string.Equals(Environment.GetEnvironmentVariable("EDGELAB_E2E_PHASE"), "burst", StringComparison.OrdinalIgnoreCase);

    public static async Task RunAsync(TextWriter output)
    {
        var only = Environment.GetEnvironmentVariable("EDGELAB_E2E_LEVELS")?.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToHashSet();
        output.WriteLine("t0 = analyzer's last frame ACKed by the gateway (after its commit); t1 = first FHIR read returning the Observation (issued on the hub's stored signal)");
        output.WriteLine("targets at 300 analyzers: p50 ≤ 25 ms, p99 ≤ 100 ms");
        output.WriteLine(Burst
            ? "phase: burst (EDGELAB_E2E_PHASE=burst) — all analyzers of a gateway send in the same instant each period"
            : "phase: spread — analyzers' schedules spread evenly over the period (EDGELAB_E2E_PHASE=burst for the in-phase stress case)");
        foreach (var level in Levels.Where(l => only is null || only.Contains(l.Analyzers)).Take(BenchSize.Pick(Levels.Length, 1)))
            await RunLevelAsync(output, level.Analyzers, level.Rate, level.PerSecond, BenchSize.Pick(level.Count, 4));
    }

    private static async Task RunLevelAsync(TextWriter output, int analyzers, string rate, double perSecond, int count)
    {
        var total = analyzers * count;
        output.WriteLine();
        output.WriteLine($"== {analyzers} analyzer(s), {rate} each ({analyzers * perSecond:0.#} messages/s in all), {total} messages");
        var clock = Stopwatch.StartNew();
        void Progress(string what) => output.WriteLine($"  [{clock.Elapsed.TotalSeconds,5:0.0} s] {what}");

        using var scratch = new ScratchDirectory("bench-e2e");
        var repo = EdgeLabComponents.RepositoryRoot();
        await using var broker = await MosquittoProcess.StartAsync();
        var gatewayCount = (analyzers + InstrumentsPerGateway - 1) / InstrumentsPerGateway;
        var gatewayIds = Enumerable.Range(1, gatewayCount).Select(i => $"bench-gw{i:D2}").ToList();

        // Hub: schema, organizations, gateways, the EMR's client, then the service.
        string[] db = ["--data", scratch.File("hub")];
        await RunToEndAsync(EdgeLabComponents.Hub, ["migrate", .. db]);
        await RunToEndAsync(EdgeLabComponents.Hub, ["organizations", "add", "--id", Lab, "--name", "Bench laboratory", "--kind", "lab", .. db]);
        await RunToEndAsync(EdgeLabComponents.Hub, ["organizations", "add", "--id", Clinic, "--name", "Bench clinic", "--kind", "clinic", .. db]);
        foreach (var gw in gatewayIds) await RunToEndAsync(EdgeLabComponents.Hub, ["gateways", "add", "--id", gw, "--lab", Lab, .. db]);
        var token = ParseToken(await RunToEndAsync(EdgeLabComponents.Hub, ["clients", "add", "--organization", Clinic, "--name", "bench-emr", .. db], standardOutputOnly: true));
        var httpPort = FreeTcpPort.Next();
        var trace = scratch.File("hub-trace.jsonl");
        await using var hub = EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", .. db, .. broker.HubArguments, "--urls", $"http://127.0.0.1:{httpPort}", "--trace-file", trace]);
        using var emr = new EmrClient(httpPort, token);
        await UntilAsync(emr.IsHealthyAsync, hub, "hub /health", TimeSpan.FromSeconds(60));
        Progress($"mosquitto, hub up; registering {total} referrals (one patient and one tube each)");

        var specimens = new ConcurrentBag<string>();
        await Parallel.ForAsync(0, total, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (i, _) => specimens.Add(await emr.RegisterChemistryReferralAsync(Clinic, Lab, i + 1)));
        var tubes = specimens.ToList();
        Progress($"{tubes.Count} referrals registered; starting simulators and {gatewayCount} gateway(s)");

        // Timestamps per specimen.
        var acked = new ConcurrentDictionary<string, DateTimeOffset>();
        var stored = new ConcurrentDictionary<string, DateTimeOffset>();
        var received = new ConcurrentDictionary<string, DateTimeOffset>();
        var visible = new ConcurrentDictionary<string, DateTimeOffset>();
        var reads = new ConcurrentBag<Task>();
        using var readGate = new SemaphoreSlim(16);
        await using var tail = new StoredTraceTail(trace, (specimen, receivedAt, at) =>
        {
            if (!stored.TryAdd(specimen, at)) return;
            received.TryAdd(specimen, receivedAt);
            reads.Add(ConfirmAsync(specimen));
        });
        async Task ConfirmAsync(string specimen)
        {
            await readGate.WaitAsync();
            try
            {
                for (var i = 0; i < 2000; i++)
                {
                    if (await emr.HasObservationAsync(specimen))
                    {
                        visible.TryAdd(specimen, DateTimeOffset.UtcNow);
                        return;
                    }
                    await Task.Delay(5);
                }
            }
            finally
            {
                readGate.Release();
            }
        }
        tail.Start();

        var simulators = new List<ChildProcess>();
        var gateways = new List<ChildProcess>();
        try
        {
            for (var g = 0; g < gatewayCount; g++)
            {
                var n = Math.Min(InstrumentsPerGateway, analyzers - g * InstrumentsPerGateway);
                var basePort = FreePortRange(n);
                var mine = tubes.Skip(g * InstrumentsPerGateway * count).Take(n * count).ToList();
                var sim = EdgeLabComponents.Start(EdgeLabComponents.Simulator,
                    ["generate", "--instruments", Inv(n), "--rate", rate, "--count", Inv(count), "--protocol", "astm", "--panel", "chem",
                     "--specimens", string.Join(',', mine), "--seed", Inv(g + 1), "--tcp-listen", $"127.0.0.1:{basePort}", .. (Burst ? Array.Empty<string>() : ["--stagger"])],
                    name: $"simulator-{g + 1}");
                var listening = 0;
                sim.Line += line =>
                {
                    if (line.StartsWith("listening on", StringComparison.Ordinal)) Interlocked.Increment(ref listening);
                    OnSimulatorLine(line, acked);
                };
                simulators.Add(sim);
                // Not a connect probe: the simulator would take the probe for the gateway.
                await UntilAsync(() => Task.FromResult(Volatile.Read(ref listening) >= n), sim, $"{n} simulated analyzers listening", TimeSpan.FromSeconds(30));
                var passwordFile = broker.PasswordFileFor(await broker.AddUserAsync(gatewayIds[g]));
                var config = GatewayConfig(gatewayIds[g], broker.Port, passwordFile, scratch.File($"gw{g + 1}"), Path.Combine(repo, "firmware-config", "instruments"), basePort, n);
                var configPath = scratch.File($"gateway-{g + 1}.json");
                await File.WriteAllTextAsync(configPath, config.ToJsonString());
                gateways.Add(EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["run", "--config", configPath], name: gatewayIds[g]));
            }

            var sending = Stopwatch.StartNew();
            var deadline = TimeSpan.FromSeconds(count / perSecond + 60);
            var lastProgress = TimeSpan.Zero;
            while (visible.Count < total && sending.Elapsed < deadline)
            {
                if (gateways.FirstOrDefault(p => p.HasExited) is { } dead) throw new InvalidOperationException($"{dead.Name} exited: {Tail(dead)}");
                if (acked.IsEmpty && sending.Elapsed > TimeSpan.FromSeconds(30))
                    throw new InvalidOperationException($"no analyzer message was ACKed within 30 s; {string.Join("; ", simulators.Concat(gateways).Select(p => $"{p.Name}: {Tail(p)}"))}");
                if (sending.Elapsed - lastProgress >= TimeSpan.FromSeconds(5))
                {
                    lastProgress = sending.Elapsed;
                    Progress($"acked by gateway {acked.Count}/{total}, stored at hub {stored.Count}, visible in FHIR {visible.Count}");
                }
                await Task.Delay(50);
            }
            await Task.WhenAll(reads.ToArray());
            var sendSeconds = acked.IsEmpty ? 0 : (acked.Values.Max() - acked.Values.Min()).TotalSeconds;
            Progress($"done: acked {acked.Count}/{total}, stored {stored.Count}, visible {visible.Count}");

            var endToEnd = new Percentiles(visible.Where(kv => acked.ContainsKey(kv.Key)).Select(kv => (kv.Value - acked[kv.Key]).TotalMilliseconds));
            var toStored = new Percentiles(stored.Where(kv => acked.ContainsKey(kv.Key)).Select(kv => (kv.Value - acked[kv.Key]).TotalMilliseconds));
            var simSummary = simulators.Select(s => s.Output.Split('\n').FirstOrDefault(l => l.StartsWith("SUMMARY", StringComparison.Ordinal))).FirstOrDefault(l => l is not null);
            output.WriteLine($"  rate: {acked.Count / Math.Max(sendSeconds, 1e-3):0.0} messages/s acked over {sendSeconds:0.0} s");
            output.WriteLine($"  end to end (last frame ACK → readable in FHIR): {endToEnd}");
            output.WriteLine($"    of which last frame ACK → committed at hub (trace): {toStored}");
            var toReceived = new Percentiles(received.Where(kv => acked.ContainsKey(kv.Key)).Select(kv => (kv.Value - acked[kv.Key]).TotalMilliseconds));
            var receivedToStored = new Percentiles(received.Where(kv => stored.ContainsKey(kv.Key)).Select(kv => (stored[kv.Key] - kv.Value).TotalMilliseconds));
            output.WriteLine($"      last frame ACK → hub's MQTT handler (gateway uplink + broker): {toReceived}");
            output.WriteLine($"      hub's MQTT handler → committed (queue + batch transaction): {receivedToStored}");
            output.WriteLine($"  simulator's own send→ACK (frames + gateway commit): {simSummary?.Split(' ').Where(f => f.StartsWith("p", StringComparison.Ordinal) || f.StartsWith("max", StringComparison.Ordinal)).Aggregate("", (a, b) => a + " " + b).Trim() ?? "n/a"}");
            var peer = await BrokerHopPeer.MeasureAsync(broker, Math.Max(analyzers * perSecond, 1), TimeSpan.FromSeconds(10));
            output.WriteLine($"  peer, broker hop alone (QoS 1, 2 KB, {Math.Max(analyzers * perSecond, 1):0.#}/s, same Mosquitto): {peer}");
            output.WriteLine($"  end to end / broker hop: p50 {endToEnd.At(0.5) / peer.At(0.5):0.0}x, p99 {endToEnd.At(0.99) / peer.At(0.99):0.0}x");
        }
        finally
        {
            foreach (var p in simulators) await p.DisposeAsync();
            foreach (var p in gateways) await p.DisposeAsync();
        }
    }

    private static void OnSimulatorLine(string line, ConcurrentDictionary<string, DateTimeOffset> acked)
    {
        // ACKED <id> <utc> <bytes> <elapsed-ms> <specimen> (gateway/EdgeLab.Simulator/README.md "Output").
        if (!line.StartsWith("ACKED ", StringComparison.Ordinal)) return;
        var f = line.Split(' ');
        if (f.Length < 6) return;
        acked.TryAdd(f[5], DateTimeOffset.Parse(f[2], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal));
    }

    private static JsonObject GatewayConfig(string gatewayId, int brokerPort, string passwordFile, string dataDir, string profilesDir, int basePort, int instruments)
    {
        var list = new JsonArray();
        for (var i = 0; i < instruments; i++)
        {
            list.Add(new JsonObject
            {
                ["id"] = $"analyzer-{i + 1}",
                ["profile"] = "generic-lis2",
                ["transport"] = new JsonObject { ["type"] = "tcp-client", ["host"] = "127.0.0.1", ["port"] = basePort + i },
            });
        }
        return new JsonObject
        {
            ["configVersion"] = 1,
            ["gatewayId"] = gatewayId,
            ["organizationId"] = Lab,
            ["dataDirectory"] = dataDir,
            ["profilesDirectory"] = profilesDir,
            ["mqtt"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = brokerPort, ["username"] = gatewayId, ["passwordFile"] = passwordFile },
            ["instruments"] = list,
        };
    }

    /// <summary>A base port with <paramref name="n"/> consecutive free loopback ports (the simulator listens on base+i).</summary>
    private static int FreePortRange(int n)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var start = 20000 + Random.Shared.Next(0, 100) * 100;
            var listeners = new List<TcpListener>();
            try
            {
                for (var i = 0; i < n; i++)
                {
                    var l = new TcpListener(IPAddress.Loopback, start + i);
                    l.Start();
                    listeners.Add(l);
                }
                return start;
            }
            catch (SocketException)
            {
            }
            finally
            {
                foreach (var l in listeners) l.Stop();
            }
        }
        throw new InvalidOperationException($"no {n} consecutive free ports between 20000 and 30000");
    }

    private static async Task UntilAsync(Func<Task<bool>> ready, ChildProcess process, string what, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!await ready())
        {
            if (process.HasExited) throw new InvalidOperationException($"{process.Name} exited before {what} was ready: {process.Output}");
            if (deadline.Elapsed > timeout) throw new TimeoutException($"{what} not ready within {timeout.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }

    internal static async Task<string> RunToEndAsync(EdgeLabComponents.Component component, string[] args, bool standardOutputOnly = false)
    {
        await using var p = EdgeLabComponents.Start(component, args);
        if (!await p.WaitForExitAsync(TimeSpan.FromSeconds(60))) throw new TimeoutException($"{component.AssemblyName} {string.Join(' ', args)} did not finish in 60 s");
        await Task.Delay(20);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{component.AssemblyName} {string.Join(' ', args)} failed (exit {p.ExitCode}): {p.Output}");
        return standardOutputOnly ? p.StandardOutput : p.Output;
    }

    private static string ParseToken(string output)
    {
        // `clients add` writes the token alone on stdout (its explanations go to stderr, read apart).
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
    }

    private static string Tail(ChildProcess p) => string.Join(" | ", p.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(8));

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
}
