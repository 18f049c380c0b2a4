using System.Collections.Concurrent;
using System.Globalization;
using EdgeLab.Bench.EndToEnd;
using EdgeLab.LocalServices;

namespace EdgeLab.Bench.Outbox;

/// <summary>
/// The receiving end of the outbox drain: either the bench's stand-in (receives and acks, stores nothing) or the real
/// <c>edgelab-hub</c> process, whose ingest commits each message to its database before it acks.
/// </summary>
internal interface IDrainHub : IAsyncDisposable
{
    /// <summary>The row label in the printed table, e.g. "real hub, SQLite".</summary>
    string Name { get; }

    /// <summary>Backlog messages (specimen B{n}) that arrived (stand-in) or were committed (real hub).</summary>
    int BacklogArrived { get; }

    /// <summary>Live result number (specimen LIVE{n}) → when it arrived (stand-in) or was committed (real hub).</summary>
    ConcurrentDictionary<int, DateTimeOffset> LiveArrived { get; }

    /// <summary>"arrived at the stand-in" or "committed by the hub": what the latency's end point is.</summary>
    string EndPoint { get; }

    /// <summary>Real hub only: live result number → when the hub's MQTT handler took it (splits gateway+broker from the hub's queue+commit).</summary>
    ConcurrentDictionary<int, DateTimeOffset>? LiveReceived { get; }
}

/// <summary>
/// The real hub (issue 10, STAT through the hub): <c>edgelab-hub migrate / organizations add / gateways add</c>, then
/// <c>edgelab-hub run --trace-file</c>, ingest fast lane and batch writer as shipped, on SQLite (its default) or on
/// PostgreSQL. The end point of each message is its trace line's <c>at</c> (the hub's commit; the trace writes
/// milliseconds, truncated, so a latency reads up to 1 ms short).
/// </summary>
internal sealed class RealHubDrainHub : IDrainHub
{
    private const string Lab = "bench-lab";
    private readonly ChildProcess _hub;
    private readonly StoredTraceTail _tail;
    private readonly ConcurrentDictionary<string, byte> _backlog = new();
    private readonly PostgresProcess? _postgres;
    private readonly ScratchDirectory _scratch;

    private RealHubDrainHub(string name, ChildProcess hub, string tracePath, PostgresProcess? postgres, ScratchDirectory scratch)
    {
        Name = name;
        _hub = hub;
        _postgres = postgres;
        _scratch = scratch;
        _tail = new StoredTraceTail(tracePath, (specimen, received, at) =>
        {
            if (specimen.StartsWith(OutboxDrainBenchmark.LiveSpecimenPrefix, StringComparison.Ordinal))
            {
                if (int.TryParse(specimen.AsSpan(OutboxDrainBenchmark.LiveSpecimenPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    LiveReceived.TryAdd(n, received);
                    LiveArrived.TryAdd(n, at);
                }
            }
            else
            {
                _backlog.TryAdd(specimen, 0);
            }
        });
    }

    public string Name { get; }
    public int BacklogArrived => _backlog.Count;
    public ConcurrentDictionary<int, DateTimeOffset> LiveArrived { get; } = new();
    public string EndPoint => "committed by the hub";
    public ConcurrentDictionary<int, DateTimeOffset>? LiveReceived { get; } = new();

    public static async Task<RealHubDrainHub> StartAsync(MosquittoProcess broker, string gatewayId, bool postgres)
    {
        var scratch = new ScratchDirectory("bench-stat-hub");
        var pg = postgres ? await PostgresProcess.StartAsync() : null;
        string[] db = pg is null
            ? ["--data", scratch.File("hub")]
            : ["--data", scratch.File("hub"), "--database-provider", "postgres", "--connection-string", pg.ConnectionString()];
        await EndToEndLatencyBenchmark.RunToEndAsync(EdgeLabComponents.Hub, ["migrate", .. db]);
        await EndToEndLatencyBenchmark.RunToEndAsync(EdgeLabComponents.Hub, ["organizations", "add", "--id", Lab, "--name", "Bench laboratory", "--kind", "lab", .. db]);
        await EndToEndLatencyBenchmark.RunToEndAsync(EdgeLabComponents.Hub, ["gateways", "add", "--id", gatewayId, "--lab", Lab, .. db]);
        var trace = scratch.File("hub-trace.jsonl");
        var hub = EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", "--roles", "ingest", .. db, .. broker.HubArguments, "--urls", $"http://127.0.0.1:{FreeTcpPort.Next()}", "--trace-file", trace],
            name: postgres ? "hub-postgres" : "hub-sqlite");
        var started = DateTime.UtcNow;
        // Two sessions subscribe: the main one (…/results, events, status) and the STAT one (…/results/stat).
        while (hub.Output.Split("Ingest subscribed").Length - 1 < 2)
        {
            if (hub.HasExited) throw new InvalidOperationException($"edgelab-hub exited before it subscribed: {hub.Output}");
            if (DateTime.UtcNow - started > TimeSpan.FromSeconds(90)) throw new TimeoutException("edgelab-hub did not subscribe within 90 s");
            await Task.Delay(20);
        }
        var side = new RealHubDrainHub(postgres ? "real hub, PostgreSQL 15" : "real hub, SQLite", hub, trace, pg, scratch);
        side._tail.Start();
        return side;
    }

    public async ValueTask DisposeAsync()
    {
        await _tail.DisposeAsync();
        await _hub.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
        _scratch.Dispose();
    }
}
