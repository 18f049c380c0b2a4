using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.LocalServices;
using EdgeLab.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Hub.Tests.Support;

/// <summary>
/// A lab's fleet for rollout tests (issue 12 §3): a real Mosquitto, a hub database, one silo with the hub's grains (its
/// rollout clock fake), the hub's ingest (so statuses and events reach the tables as in a hub node), an analyzer that
/// accepts TCP connections, and real gateways in-process (<see cref="GatewayApp"/>: own id, store, broker user) whose
/// instrument <c>xn-1</c> dials that analyzer. The instrument list comes from the lab's layer, everything else from each
/// gateway's own layer — so a rollout of the lab layer changes what the gateways' links do.
/// </summary>
internal sealed class LabFleet : IAsyncDisposable
{
    public const string Instrument = "xn-1";

    private readonly List<ScratchDirectory> _dirs = [];
    private readonly ConcurrentDictionary<string, GatewayApp> _gateways = new(StringComparer.Ordinal);
    private HubMqttConnection? _ingestConnection;
    private IngestPipeline? _ingest;

    private LabFleet(MosquittoProcess broker, TestHub hub)
    {
        Broker = broker;
        Hub = hub;
        Configs = new FleetConfigStore(hub.Database, TimeProvider.System);
    }

    public MosquittoProcess Broker { get; }
    public TestHub Hub { get; }
    /// <summary>The in-process silo (null when the test runs hub nodes as processes).</summary>
    public GrainCluster? Grains { get; private set; }
    public FakeTimeProvider RolloutClock { get; } = new(DateTimeOffset.UtcNow);
    public FleetConfigStore Configs { get; }
    public Analyzer Analyzer { get; } = Analyzer.Start();
    public IReadOnlyDictionary<string, GatewayApp> Gateways => _gateways;

    public static async Task<LabFleet> StartAsync(string provider, int gateways)
    {
        var fleet = await CreateAsync(provider);
        var broker = fleet.Broker;
        fleet._ingestConnection = new HubMqttConnection(new HubMqttOptions { Host = broker.Host, Port = broker.Port, UserName = broker.HubCredentials.UserName, PasswordFile = broker.HubPasswordFile },
            NullLogger<HubMqttConnection>.Instance, NullLoggerFactory.Instance, TimeProvider.System);
        fleet._ingest = new IngestPipeline(fleet._ingestConnection, fleet.Hub.Writer, new IngestOptions(), TimeProvider.System, NullLogger<IngestPipeline>.Instance);
        await fleet._ingestConnection.StartAsync(CancellationToken.None);
        await fleet._ingest.StartAsync(CancellationToken.None);
        fleet.Grains = await GrainCluster.StartAsync(fleet.Hub, fleet.Broker, rolloutTime: fleet.RolloutClock);
        await fleet.AddGatewaysAsync(gateways);
        return fleet;
    }

    /// <summary>The broker, the database and the analyzer only: the test starts hub nodes of its own (processes), then <see cref="AddGatewaysAsync"/>.</summary>
    public static async Task<LabFleet> CreateAsync(string provider)
    {
        var broker = await MosquittoProcess.StartAsync();
        return new LabFleet(broker, await TestHub.CreateAsync(provider));
    }

    /// <summary>The lab layer with the analyzer's port, then gateways <c>lab-1-gw01</c>… each reporting its version with its instrument up.</summary>
    public async Task AddGatewaysAsync(int count)
    {
        await SetInstrumentPortAsync(Analyzer.Port);
        await Task.WhenAll(Enumerable.Range(1, count).Select(i => AddGatewayAsync($"lab-1-gw{i:00}")));
    }

    /// <summary>The lab layer as a rollout changes it: instrument <see cref="Instrument"/> dialling <paramref name="port"/>.</summary>
    public static JsonObject LabLayer(int port) => new()
    {
        ["instruments"] = new JsonArray(new JsonObject
        {
            ["id"] = Instrument,
            ["profile"] = "sysmex-xn",
            ["transport"] = new JsonObject { ["type"] = "tcp-client", ["host"] = "127.0.0.1", ["port"] = port },
        }),
    };

    public Task SetInstrumentPortAsync(int port) => Configs.SetLayerAsync(new ConfigScope(ConfigScopeKind.Lab, TestHub.Lab), LabLayer(port).ToJsonString(), "it-admin");

    /// <summary>
    /// Registers a gateway of the lab, starts it with the lab's instrument, gives it its own layer (what its file says),
    /// and waits until it reports the hub's desired version with its instrument up.
    /// </summary>
    public async Task<GatewayApp> AddGatewayAsync(string id)
    {
        await Hub.Store.UpsertGatewayAsync(id, TestHub.Lab);
        var dir = new ScratchDirectory("rollout-gw");
        lock (_dirs) _dirs.Add(dir);
        Directory.CreateDirectory(dir.File("profiles"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "firmware-config", "instruments", "sysmex-xn.yaml"), dir.File("profiles/sysmex-xn.yaml"));
        var credentials = await Broker.AddUserAsync(id);
        var config = new GatewayConfig
        {
            ConfigVersion = 1,
            GatewayId = id,
            DataDirectory = dir.File("data"),
            ProfilesDirectory = dir.File("profiles"),
            Mqtt = new MqttConfig { Host = "127.0.0.1", Port = Broker.Port, Username = credentials.UserName, PasswordFile = Broker.PasswordFileFor(credentials) },
            Outbox = new OutboxConfig { AckTimeoutSeconds = 60 },
            // The gateway's own check after a change (ConfigApplier): short, so a refused change comes back in seconds.
            Management = new ManagementConfig { HeartbeatSeconds = 30, ConfigApplyTimeoutSeconds = 3 },
            StatusPage = null,
            Instruments = [new InstrumentConfig { Id = Instrument, Profile = "sysmex-xn", Transport = new TransportConfig { Type = TransportConfig.TcpClient, Host = "127.0.0.1", Port = Analyzer.Port } }],
        };
        var path = dir.File("gateway.json");
        await File.WriteAllTextAsync(path, GatewayConfigLoader.Serialize(config));
        var app = GatewayApp.Create(config, new GatewayAppOptions { ConfigPath = path, Time = TimeProvider.System, MqttTime = TimeProvider.System, TraceFile = dir.File("trace.jsonl") });
        await app.StartAsync();
        _gateways[id] = app;
        // Its own layer: what its file says, but the instruments (the lab's) and what the hub sets.
        var own = JsonNode.Parse(GatewayConfigLoader.Serialize(config))!.AsObject();
        foreach (var key in new[] { "gatewayId", "configVersion", "instruments", "statusPage" }) own.Remove(key);
        await Eventually.TrueAsync(async () => (await Configs.GetStateAsync(id))!.ReportedVersion == 1, $"{id} reports version 1", Timeout);
        await Configs.SetLayerAsync(ConfigScope.Gateway(id), own.ToJsonString(), "it-admin");
        var desired = (await Configs.GetStateAsync(id))!.DesiredVersion;
        await Eventually.TrueAsync(() => Task.FromResult(app.Runtime.Config.ConfigVersion == desired && app.Runtime.IsUp(Instrument)), $"{id} runs version {desired} with its instrument up", Timeout);
        await Eventually.TrueAsync(async () => (await Configs.GetStateAsync(id))!.ReportedVersion == desired, $"the hub has {id}'s report of version {desired}", Timeout);
        return app;
    }

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _gateways.Values)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        if (Grains is not null) await Grains.DisposeAsync();
        if (_ingest is not null) await _ingest.StopAsync(CancellationToken.None);
        if (_ingestConnection is not null)
        {
            await _ingestConnection.StopAsync(CancellationToken.None);
            await _ingestConnection.DisposeAsync();
        }
        Analyzer.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var dir in _dirs) dir.Dispose();
        await Hub.DisposeAsync();
        await Broker.DisposeAsync();
    }
}

/// <summary>An analyzer's TCP port on loopback: accepts every connection and holds it until <see cref="Dispose"/> (then the gateways' links go down).</summary>
internal sealed class Analyzer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly ConcurrentBag<Socket> _accepted = [];
    private readonly CancellationTokenSource _stop = new();

    private Analyzer(TcpListener listener)
    {
        _listener = listener;
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static Analyzer Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new Analyzer(listener);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested) _accepted.Add(await _listener.AcceptSocketAsync(_stop.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var s in _accepted) s.Dispose();
        _stop.Dispose();
    }
}
