using System.Diagnostics;
using System.Globalization;
using Dapper;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.LocalServices;

namespace EdgeLab.Bench.Cluster;

/// <summary>
/// The real thing the cluster benchmarks run against: PostgreSQL, Mosquitto, <see cref="NodeCount"/> real
/// <c>edgelab-hub</c> processes (Orleans silos on ADO.NET clustering, ingest by shared subscription), one lab per
/// gateway (so each gateway's order stream is its own gateway grain's work) and clinics whose webhooks point at a
/// <see cref="WebhookReceiver"/> (each clinic's notifications are its organization grain's work). Referrals are
/// registered by this process straight into the hub's database, as another hub node's API would, and found by the
/// nodes' one-second sweep (hub/ARCHITECTURE.md "Grains").
/// </summary>
internal sealed class ClusterRig : IAsyncDisposable
{
    public const int NodeCount = 3;
    /// <summary>Tubes a gateway's results cycle through: enough that the three nodes' batches rarely want the same tube's lock.</summary>
    public const int SpecimensPerGateway = 100;
    private static readonly string[] Tests = ["WBC", "HGB", "PLT"];

    private readonly PostgresProcess _postgres;
    private readonly PostgresHubDatabase _database;
    private readonly HubStore _store;
    private readonly ChildProcess?[] _nodes = new ChildProcess?[NodeCount];
    private readonly int[] _generation = new int[NodeCount];
    private int _patients;

    private ClusterRig(PostgresProcess postgres, PostgresHubDatabase database, HubStore store, MosquittoProcess broker, WebhookReceiver webhooks, string[] clinics)
    {
        _postgres = postgres;
        _database = database;
        _store = store;
        Broker = broker;
        Webhooks = webhooks;
        Clinics = clinics;
    }

    /// <summary>All figures are taken on this clock (ms); <see cref="UnixMsAt"/> maps it to the hub's Unix ms.</summary>
    public Stopwatch Clock { get; } = Stopwatch.StartNew();
    private readonly long _unixAtStart = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public MosquittoProcess Broker { get; }
    public WebhookReceiver Webhooks { get; }
    public string[] Clinics { get; }
    public List<LoadGateway> Gateways { get; } = [];
    public IHubDatabase Database => _database;

    /// <summary>Specimen → when its referral was committed (clock ms), for order latency.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, long> Registered { get; } = new();

    public long UnixMsAt(long clockMs) => _unixAtStart + clockMs;
    public long ClockMsAt(long unixMs) => unixMs - _unixAtStart;

    public static async Task<ClusterRig> StartAsync(int gateways, int clinics)
    {
        var postgres = await PostgresProcess.StartAsync();
        var database = new PostgresHubDatabase(postgres.ConnectionString());
        await database.MigrateAsync();
        var store = new HubStore(database, CatalogLoader.LoadEmbedded(), TimeProvider.System);
        var broker = await MosquittoProcess.StartAsync();
        var webhooks = WebhookReceiver.Start();
        var clinicIds = Enumerable.Range(1, clinics).Select(i => $"clinic-{i}").ToArray();
        foreach (var clinic in clinicIds)
            await store.UpsertOrganizationAsync(new Organization { Id = clinic, Name = clinic, Kind = OrganizationKind.Clinic, WebhookUrl = webhooks.UrlFor(clinic) });
        var rig = new ClusterRig(postgres, database, store, broker, webhooks, clinicIds);
        webhooks.UseClock(rig.Clock);
        for (var g = 0; g < gateways; g++)
        {
            var (gateway, lab) = ($"chaos-gw{g:D2}", $"chaos-lab{g:D2}");
            await store.UpsertOrganizationAsync(new Organization { Id = lab, Name = lab, Kind = OrganizationKind.Lab });
            await store.UpsertGatewayAsync(gateway, lab);
            var specimens = new string[SpecimensPerGateway];
            var gw = g;
            await Parallel.ForAsync(0, SpecimensPerGateway, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (s, _) => specimens[s] = await rig.RegisterAsync(gw));
            rig.Gateways.Add(await LoadGateway.ConnectAsync(gateway, broker, specimens, rig.Clock));
        }
        for (var n = 0; n < NodeCount; n++) rig.StartNode(n);
        for (var n = 0; n < NodeCount; n++) await rig.WaitSubscribedAsync(n, TimeSpan.FromSeconds(60));
        return rig;
    }

    /// <summary>Registers one referral (three tests, one tube) at gateway <paramref name="g"/>'s lab for a new synthetic patient.</summary>
    public async Task<string> RegisterAsync(int g)
    {
        var i = Interlocked.Increment(ref _patients);
        var outcome = await _store.RegisterReferralAsync(new NewReferral
        {
            Patient = new Patient
            {
                Id = HubId.New(),
                ManagingOrganizationId = Clinics[i % Clinics.Length],
                Snils = Hub.Referrals.Snils.Complete((300_000_000 + i).ToString(CultureInfo.InvariantCulture)),
                FamilyName = "Тестов",
                GivenName = "Пациент",
                Sex = i % 2 == 0 ? Sex.Female : Sex.Male,
                BirthDate = new DateOnly(1950 + i % 50, 1, 1),
            },
            Referral = new Referral
            {
                Id = HubId.New(),
                PatientId = "",
                OrderingOrganizationId = Clinics[i % Clinics.Length],
                PractitionerName = "Врач",
                PerformingLabId = $"chaos-lab{g:D2}",
                TestCodes = Tests,
                Status = ReferralStatus.Active,
            },
            Specimens = [("blood-edta", Tests)],
        });
        var specimen = outcome.Registered!.Specimens[0].Id;
        Registered[specimen] = Clock.ElapsedMilliseconds;
        return specimen;
    }

    public ChildProcess Node(int n) => _nodes[n] ?? throw new InvalidOperationException($"node {n} is not running");

    /// <summary>Warning and error lines the nodes logged (the first 500), for the report: a takeover should log why.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> NodeWarnings { get; } = new();

    public void StartNode(int n)
    {
        var name = $"n{n}.{_generation[n]}";
        var wasWarning = false;
        var node = _nodes[n] = EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", "--roles", "ingest", "--database-provider", "postgres", "--connection-string", _postgres.ConnectionString(), .. Broker.HubArguments,
             "--urls", $"http://127.0.0.1:{FreeTcpPort.Next()}"], name: $"hub-n{n}-{_generation[n]++}");
        // The console logger writes "warn: Category[id]" and the message on the next line.
        node.Line += line =>
        {
            if (wasWarning && NodeWarnings.Count < 500) NodeWarnings.Enqueue($"{name} {Clock.ElapsedMilliseconds / 1000.0:F1} s: {line.Trim()}");
            wasWarning = line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal);
        };
    }

    /// <summary>Prints how many warnings the nodes logged and the most frequent ones.</summary>
    public void PrintNodeWarnings(TextWriter output)
    {
        var lines = NodeWarnings.ToList();
        output.WriteLine($"hub nodes logged {lines.Count} warnings/errors{(lines.Count >= 500 ? " (first 500 kept)" : "")}");
        foreach (var group in lines.GroupBy(l => new string(l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..].Take(90).ToArray())).OrderByDescending(g => g.Count()).Take(8))
            output.WriteLine($"  {group.Count(),4} × {group.First()}");
    }

    public async Task WaitSubscribedAsync(int n, TimeSpan timeout)
    {
        var node = Node(n);
        var deadline = Clock.Elapsed + timeout;
        while (!node.Output.Contains("Ingest subscribed", StringComparison.Ordinal))
        {
            if (node.HasExited) throw new InvalidOperationException($"hub node {n} exited: {node.Output}");
            if (Clock.Elapsed > deadline) throw new TimeoutException($"hub node {n} did not subscribe within {timeout}: {node.Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILLs node <paramref name="n"/> and reaps the process (its silo row stays until membership declares it dead).</summary>
    public async Task KillAsync(int n)
    {
        var node = Node(n);
        node.Signal(PosixSignals.SIGKILL);
        await node.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await node.DisposeAsync();
        _nodes[n] = null;
    }

    /// <summary>The gateways whose order stream node <paramref name="n"/> holds now (<c>order_stream_claim</c> names the owner's pid).</summary>
    public async Task<IReadOnlyList<string>> StreamsHeldByAsync(int n)
    {
        var pid = Node(n).Pid.ToString(CultureInfo.InvariantCulture);
        await using var db = await _database.OpenAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return (await db.QueryAsync<(string Gateway, string Owner)>("SELECT gateway_id, owner FROM order_stream_claim WHERE expires_at > @now", new { now }))
            .Where(c => c.Owner.Contains($"/{pid}/", StringComparison.Ordinal)).Select(c => c.Gateway).ToList();
    }

    /// <summary>Silo rows of the membership table (SiloStatus: 3 active, 6 dead).</summary>
    public async Task<IReadOnlyList<MembershipRow>> MembershipAsync()
    {
        await using var db = await _database.OpenAsync();
        return (await db.QueryAsync<MembershipRow>(
            "SELECT SiloName, Address || ':' || Port || '@' || Generation AS Silo, Status, SuspectTimes FROM OrleansMembershipTable ORDER BY StartTime")).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in Gateways) await gateway.DisposeAsync();
        foreach (var node in _nodes)
            if (node is not null) await node.DisposeAsync();
        Webhooks.Dispose();
        await Broker.DisposeAsync();
        await _database.DisposeAsync();
        await _postgres.DisposeAsync();
    }
}

internal sealed record MembershipRow(string SiloName, string Silo, int Status, string? SuspectTimes)
{
    public const int Active = 3, Dead = 6;
}
