using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeLab.Hub.Hosting;

/// <summary>DI wiring of the hub core: database, catalog, stores, referral service, MQTT connection and ingest.</summary>
internal static class HubServices
{
    public static IHubDatabase CreateDatabase(HubStorageOptions storage) => storage.Provider switch
    {
        DatabaseDialect.Postgres => new PostgresHubDatabase(storage.ConnectionString
            ?? throw new ArgumentException("--database-provider postgres needs --connection-string, e.g. 'Host=127.0.0.1;Port=5432;Username=edgelab;Database=edgelab'")),
        _ => new SqliteHubDatabase(storage.SqlitePath),
    };

    /// <summary>Stores, catalog and database for any command (also the CLI ones).</summary>
    public static IServiceCollection AddHubStore(this IServiceCollection services, HubStorageOptions storage, string? catalogFile = null)
    {
        services.AddSingleton(storage);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => CreateDatabase(storage));
        services.AddSingleton<ITestCatalog>(_ => catalogFile is null ? CatalogLoader.LoadEmbedded() : CatalogLoader.LoadFile(catalogFile));
        services.AddSingleton<HubStore>();
        return services.AddHubStoreInterfaces();
    }

    /// <summary>
    /// Every store interface, served by the registered <see cref="HubStore"/> (or its own class over the registered
    /// <see cref="IHubDatabase"/>). One list for the run command, the CLI and the test hosts, so a store added here is
    /// never missing from one of them.
    /// </summary>
    public static IServiceCollection AddHubStoreInterfaces(this IServiceCollection services)
    {
        services.AddSingleton<IClinicalStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<IValidationStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<IClinicViewStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<IReferralStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<IDirectoryStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<IApiClientStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<IAuditStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<IOrderOutboxStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<IIdentityConflictStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<IArchiveStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<IGatewayStateStore, GatewayStateStore>();
        services.AddSingleton<GatewayEnrolmentStore>();
        services.AddSingleton<Store.Fleet.FleetConfigStore>();
        services.AddSingleton<Store.Fleet.GatewayCommandStore>();
        services.AddSingleton<Store.Fleet.Rollouts.RolloutStore>();
        services.AddSingleton<Store.Fleet.FleetConsoleStore>();
        services.AddSingleton<Store.Fleet.FleetAlertStore>();
        services.AddSingleton<IProvenanceStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<IWebUserStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<ISpecimenReceptionStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<IReferralAccessCodeStore>(sp => sp.GetRequiredService<HubStore>());
        services.TryAddSingleton(TransferDeadlines.Default);
        services.AddSingleton<TransferStore>();
        services.AddSingleton<ICabinetStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<ICabinetEmailStore>(sp => sp.GetRequiredService<HubStore>());
        services.AddSingleton<EdgeLab.Hub.Store.Mail.IMailOutboxStore>(sp => sp.GetRequiredService<HubStore>());
        return services;
    }

    /// <summary>
    /// The MQTT connection (orders, acks, and uplink when <paramref name="ingest"/>), referral service and ingest. The
    /// order stream and webhooks are the grains' (<c>Grains/HubSilo.ConfigureHubSilo</c>, which the run command adds).
    /// </summary>
    public static IServiceCollection AddHubRuntime(this IServiceCollection services, HubMqttOptions mqtt, IngestOptions ingest)
    {
        services.AddSingleton(mqtt);
        services.AddSingleton(ingest);
        services.AddSingleton<HubMqttConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<HubMqttConnection>());
        services.AddSingleton<IReferralService, ReferralService>();
        if (mqtt.Ingest)
        {
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<IngestWriter>(sp, sp.GetRequiredService<IngestOptions>()));
            services.AddSingleton<IngestPipeline>();
            services.AddHostedService(sp => sp.GetRequiredService<IngestPipeline>());
        }
        return services;
    }
}
