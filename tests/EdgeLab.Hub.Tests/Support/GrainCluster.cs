using System.Collections.Concurrent;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Grains;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.LocalServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace EdgeLab.Hub.Tests.Support;

/// <summary>
/// An Orleans TestingHost cluster (one in-process silo) carrying the hub's grains over a real hub database
/// (<see cref="TestHub"/>, SQLite or PostgreSQL) and a real Mosquitto: the grains, <see cref="OrderStream"/>,
/// <see cref="NotificationDelivery"/> and the <see cref="GrainWakeup"/> sweep as <c>edgelab-hub run</c> wires them.
/// Webhook backoff runs on <paramref name="deliveryTime"/> (a fake clock in tests); Orleans keeps the system clock.
/// </summary>
internal sealed class GrainCluster : IAsyncDisposable
{
    private const string ContextKey = "EdgeLab:TestContext";
    private static readonly ConcurrentDictionary<string, Context> Contexts = new();

    private readonly string _id;

    private GrainCluster(string id, TestCluster cluster)
    {
        _id = id;
        Cluster = cluster;
    }

    public TestCluster Cluster { get; }
    public IGrainFactory Grains => Cluster.GrainFactory;
    public IServiceProvider Services => ((InProcessSiloHandle)Cluster.Primary!).SiloHost!.Services;

    /// <summary>What a referral change calls after commit (the sweep, as in a hub node).</summary>
    public IOrderOutboxSignal OrderSignal => Services.GetRequiredService<IOrderOutboxSignal>();

    /// <param name="rolloutTime">The clock of rollout watch periods and report timeouts (a fake one in tests); default the system's.</param>
    public static async Task<GrainCluster> StartAsync(TestHub hub, MosquittoProcess broker, TimeProvider? deliveryTime = null, TimeProvider? rolloutTime = null)
    {
        var id = Guid.NewGuid().ToString("N");
        Contexts[id] = new Context(hub, new HubMqttOptions
        {
            Host = broker.Host,
            Port = broker.Port,
            UserName = broker.HubCredentials.UserName,
            PasswordFile = broker.HubPasswordFile,
            Ingest = false,
        }, deliveryTime ?? TimeProvider.System, rolloutTime ?? TimeProvider.System);
        var builder = new TestClusterBuilder(1);
        builder.Properties[ContextKey] = id;
        builder.AddSiloBuilderConfigurator<HubGrainsConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new GrainCluster(id, cluster);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Contexts.TryRemove(_id, out _);
    }

    private sealed record Context(TestHub Hub, HubMqttOptions Mqtt, TimeProvider DeliveryTime, TimeProvider RolloutTime);

    private sealed class HubGrainsConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var context = Contexts[silo.Configuration[ContextKey]!];
            var hub = context.Hub;
            silo.Services.AddSingleton(hub.Database);
            silo.Services.AddSingleton<ITestCatalog>(hub.Catalog);
            silo.Services.AddSingleton<IOrderOutboxStore>(hub.Store);
            silo.Services.AddSingleton<IValidationStore>(hub.Store);
            silo.Services.AddSingleton<IAuditStore>(hub.Store);
            silo.Services.AddSingleton(context.Mqtt);
            silo.Services.AddSingleton(sp => new HubMqttConnection(context.Mqtt, NullLogger<HubMqttConnection>.Instance, NullLoggerFactory.Instance, TimeProvider.System));
            silo.Services.AddHostedService(sp => sp.GetRequiredService<HubMqttConnection>());
            // Reminders as a hub node has them: in the hub's PostgreSQL database (migration 0010's tables), else in memory.
            if (hub.ConnectionString is { } cs)
                silo.UseAdoNetReminderService(o =>
                {
                    o.Invariant = HubSilo.PostgresInvariant;
                    o.ConnectionString = cs;
                });
            else
                silo.UseInMemoryReminderService();
            silo.Services.AddHubGrains();
            // The webhook backoff on the test's clock (registered after AddHubGrains: the last registration wins).
            silo.Services.AddSingleton(sp => new NotificationDelivery(hub.Database, sp.GetRequiredService<IHttpClientFactory>(), context.DeliveryTime,
                sp.GetRequiredService<ILogger<NotificationDelivery>>()));
            silo.Services.AddSingleton(sp => new EdgeLab.Hub.Fleet.Rollouts.RolloutEngine(sp.GetRequiredService<EdgeLab.Hub.Store.Fleet.Rollouts.RolloutStore>(), context.RolloutTime));
            silo.Services.AddSingleton<IArchiveStore>(hub.Store);
            silo.Services.AddSingleton(new TransferStore(hub.Database, hub.Time));
            silo.Services.AddSingleton(sp => new EdgeLab.Hub.Archive.RetrievalOverdue(hub.Store, hub.Store, context.DeliveryTime, sp.GetRequiredService<ILogger<EdgeLab.Hub.Archive.RetrievalOverdue>>()));
            silo.Services.AddSingleton(sp => new CriticalEscalation(hub.Store, hub.Store, new CriticalValueOptions(), context.DeliveryTime, sp.GetRequiredService<ILogger<CriticalEscalation>>()));
        }
    }
}
