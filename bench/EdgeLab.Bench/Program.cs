using EdgeLab.Bench;
using EdgeLab.Bench.Archive;
using EdgeLab.Bench.Cluster;
using EdgeLab.Bench.Decode;
using EdgeLab.Bench.EndToEnd;
using EdgeLab.Bench.Footprint;
using EdgeLab.Bench.Hl7;
using EdgeLab.Bench.Ingest;
using EdgeLab.Bench.Link;
using EdgeLab.Bench.Mqtt;
using EdgeLab.Bench.Outbox;
using EdgeLab.Bench.Pages;

// EdgeLab benchmarks: each prints its figures and the ratio against its peer. Run through bench/run.sh (Release).
if (args is [GatewayFootprintBenchmark.IdlePeerArgument, var seconds])
{
    // The footprint benchmark's peer: a .NET console process that loads nothing and waits, so its resident memory is
    // the runtime's floor on this machine. Handled first so nothing else is loaded or compiled.
    Thread.Sleep(TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)));
    return 0;
}

// chaos and soak take flags (--kills N --duration S …); the other benchmarks take none.
string[] names;
ClusterBenchOptions cluster;
try
{
    (names, cluster) = ClusterBenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"edgelab-bench: {ex.Message}");
    return 2;
}
if ((names.Contains("chaos") || names.Contains("soak")) && (names.Contains("--help") || names.Contains("-h")))
{
    Console.WriteLine(ClusterBenchOptions.Usage);
    return 0;
}

var benchmarks = new (string Name, string What, Func<TextWriter, Task> Run)[]
{
    ("link", "ASTM E1381 frame parsing with every checksum verified (MB/s), vs the 9600-baud line", o => { AstmFrameBenchmark.Run(o); return Task.CompletedTask; }),
    ("decode", "ASTM wire bytes to LIS02-A2 records and results (MB/s, messages/s)", o => { DecodeBenchmark.Run(o); return Task.CompletedTask; }),
    ("hl7", "HL7 v2 from MLLP bytes to segments and fields (MB/s, messages/s)", o => { Hl7DecodeBenchmark.Run(o); return Task.CompletedTask; }),
    ("mqtt", "QoS 1 publish throughput of our MQTT 5 client vs MQTT.js against the same Mosquitto", o => MqttPublishBenchmark.RunAsync(o, count: BenchSize.Pick(100_000, 2_000))),
    ("outbox", "outbox commit rate and a 100k-message backlog drained end-to-end acked, live latency meanwhile", o => OutboxDrainBenchmark.RunAsync(o)),
    ("stat", "STAT results' gateway commit -> real hub's database commit (SQLite, PostgreSQL; stand-in hub as the peer) p50/p99/max beside routine ones while a 100k backlog drains (EDGELAB_STAT_BACKLOG=N for a smaller one)", o => OutboxDrainBenchmark.RunStatAsync(o)),
    ("ingest", "hub ingest results/s on SQLite and PostgreSQL, and failover time after a hub node is killed", o => IngestBenchmark.RunAsync(o)),
    ("e2e", "end-to-end latency p50/p99 (analyzer's last frame → readable in FHIR) at 1, 50 and 300 analyzers, vs the broker hop (EDGELAB_E2E_LEVELS=1,50 to pick)", o => EndToEndLatencyBenchmark.RunAsync(o)),
    ("chaos", "3-node hub cluster on PostgreSQL under load, ≥ 20 SIGKILLs and SIGSTOPs: ingest resumed, grain work moved, 0 lost/doubled (--kills N --duration S; not part of all)", o => ChaosBenchmark.RunAsync(o, cluster)),
    ("soak", "3-node hub cluster under steady load for 10 minutes: membership events, 0 false deaths, ingest latency per minute (--duration S; not part of all)", o => SoakBenchmark.RunAsync(o, cluster)),
    ("archive-import", "paper card archive: an 800,000-card inventory with bad rows imported on SQLite and PostgreSQL (cards/s, total s; target ≤ 60 s each)", o => ArchiveImportBenchmark.RunAsync(o)),
    ("pages", "lab console pages with 1,000,000 results (SQLite, PostgreSQL): validation worklist, clinic referral list, cumulative view p50/p95 vs 300 ms", o => PagesBenchmark.RunAsync(o)),
    ("fleet-console", "fleet console at 1,000 gateway stand-ins on real Mosquitto and the real hub: hub CPU per status message, /fleet page load p50/p95 vs 300 ms (EDGELAB_FLEET_GATEWAYS, EDGELAB_FLEET_SECONDS)", o => EdgeLab.Bench.Fleet.FleetConsoleBenchmark.RunAsync(o)),
    ("footprint", "the gateway process with 8 simulated instruments: resident memory and start time", o => GatewayFootprintBenchmark.RunAsync(o)),
};

if (names.Contains("--help") || names.Contains("-h"))
{
    Console.WriteLine("usage: edgelab-bench [all | NAME ...]");
    foreach (var b in benchmarks) Console.WriteLine($"  {b.Name,-10} {b.What}");
    Console.WriteLine($"  {GatewayFootprintBenchmark.IdlePeerArgument} SECONDS  (used by footprint) an idle .NET process, the runtime's memory floor");
    return 0;
}

// chaos and soak run for minutes and kill processes: only when named.
var selected = names.Length == 0 || names.Contains("all") ? benchmarks.Select(b => b.Name).Where(n => n is not ("chaos" or "soak")).ToArray() : names;
var unknown = selected.Where(n => benchmarks.All(b => b.Name != n)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"edgelab-bench: unknown benchmark(s) {string.Join(", ", unknown)}; known: {string.Join(", ", benchmarks.Select(b => b.Name))}");
    return 2;
}

var failed = 0;
foreach (var b in benchmarks.Where(b => selected.Contains(b.Name)))
{
    Console.WriteLine();
    Console.WriteLine($"## {b.Name}: {b.What}");
    try
    {
        await b.Run(Console.Out);
    }
    catch (Exception ex)
    {
        failed++;
        Console.WriteLine($"{b.Name}: FAILED: {ex.GetType().Name}: {ex.Message}");
    }
}
return failed == 0 ? 0 : 1;
