using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Hosting;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.Support;

/// <summary>The real <see cref="GatewayApp"/> (outbox file, uplink, management) in-process, pointed at a test broker.</summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    private readonly ScratchDirectory _dir;

    private GatewayUnderTest(ScratchDirectory dir, GatewayApp app, string configPath)
    {
        _dir = dir;
        App = app;
        ConfigPath = configPath;
    }

    public GatewayApp App { get; }
    public string ConfigPath { get; }
    public string GatewayId => App.Runtime.Config.GatewayId;

    /// <param name="configure">Changes the starting configuration (e.g. adds instruments).</param>
    /// <param name="profiles">Dialect profiles copied from firmware-config/instruments into the gateway's profiles directory.</param>
    public static Task<GatewayUnderTest> StartAsync(MosquittoProcess broker, TimeProvider? time = null, int ackTimeoutSeconds = 60, string gatewayId = "test-gw01", long maxRows = 1_000_000,
        Func<GatewayConfig, GatewayConfig>? configure = null, IReadOnlyList<string>? profiles = null) =>
        StartAsync(broker.Port, broker, time, ackTimeoutSeconds, gatewayId, maxRows, configure, profiles);

    /// <summary>A gateway whose broker port nobody listens on: the uplink keeps retrying.</summary>
    public static Task<GatewayUnderTest> StartWithoutBrokerAsync(int unusedPort, Func<GatewayConfig, GatewayConfig>? configure = null) =>
        StartAsync(unusedPort, null, null, 60, "test-gw01", 1_000_000, configure, null);

    private static async Task<GatewayUnderTest> StartAsync(int brokerPort, MosquittoProcess? broker, TimeProvider? time, int ackTimeoutSeconds, string gatewayId, long maxRows,
        Func<GatewayConfig, GatewayConfig>? configure, IReadOnlyList<string>? profiles)
    {
        var dir = new ScratchDirectory("gw-app");
        Directory.CreateDirectory(dir.File("profiles"));
        foreach (var profile in profiles ?? [])
            File.Copy(Path.Combine(AppContext.BaseDirectory, "firmware-config", "instruments", profile + ".yaml"), Path.Combine(dir.File("profiles"), profile + ".yaml"));
        var config = new GatewayConfig
        {
            ConfigVersion = 1,
            GatewayId = gatewayId,
            DataDirectory = dir.File("data"),
            ProfilesDirectory = dir.File("profiles"),
            Mqtt = new MqttConfig { Host = "127.0.0.1", Port = brokerPort, KeepAliveSeconds = 30 },
            Outbox = new OutboxConfig { AckTimeoutSeconds = ackTimeoutSeconds, MaxRows = maxRows },
            // Parallel test gateways would all reach for the page's default port; a test that wants the page sets one.
            StatusPage = null,
        };
        if (configure is not null) config = configure(config);
        // No anonymous clients: the gateway's own user (its id), as deploy/mosquitto/edgelab-dev.acl expects.
        if (broker is not null)
        {
            var credentials = await broker.AddUserAsync(config.GatewayId);
            config = config with { Mqtt = config.Mqtt with { Username = credentials.UserName, PasswordFile = broker.PasswordFileFor(credentials) } };
        }
        var path = dir.File("gateway.json");
        await File.WriteAllTextAsync(path, GatewayConfigLoader.Serialize(config));
        var logs = new LogRing();
        var loggers = Microsoft.Extensions.Logging.LoggerFactory.Create(_ => { });
        loggers.AddProvider(logs);
        var app = GatewayApp.Create(config, new GatewayAppOptions
        {
            Loggers = loggers,
            ConfigPath = path,
            Time = time ?? TimeProvider.System,
            MqttTime = TimeProvider.System,
            TraceFile = dir.File("trace.jsonl"),
        }, logs);
        await app.StartAsync();
        return new GatewayUnderTest(dir, app, path);
    }

    public string TracePath => _dir.File("trace.jsonl");

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
