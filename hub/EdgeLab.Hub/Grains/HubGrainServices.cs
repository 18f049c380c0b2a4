using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Referrals;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeLab.Hub.Grains;

/// <summary>DI wiring of what the grains use and of the services that wake them.</summary>
internal static class HubGrainServices
{
    public static IServiceCollection AddHubGrains(this IServiceCollection services)
    {
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<OrderStream>(sp, sp.GetRequiredService<HubMqttConnection>().Client));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new Store.Fleet.FleetConfigStore(sp.GetRequiredService<Store.IHubDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new Store.Fleet.GatewayCommandStore(sp.GetRequiredService<Store.IHubDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new Store.Fleet.Rollouts.RolloutStore(sp.GetRequiredService<Store.IHubDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new Fleet.Rollouts.RolloutEngine(sp.GetRequiredService<Store.Fleet.Rollouts.RolloutStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<Fleet.DesiredConfigPublisher>(sp, sp.GetRequiredService<HubMqttConnection>().Client));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<Fleet.CommandPublisher>(sp, sp.GetRequiredService<HubMqttConnection>().Client));
        services.AddSingleton<Fleet.CommandReplyReceiver>();
        services.AddHttpClient(NotificationDelivery.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<NotificationDelivery>();
        services.TryAddSingleton(new CriticalValueOptions());
        services.AddSingleton<CriticalEscalation>();
        services.AddSingleton<Archive.RetrievalOverdue>();
        services.AddSingleton<IIngestCommitObserver, IngestCommitNotifier>();
        services.AddSingleton<Transfers.TransferOverdueAlerts>();
        services.TryAddSingleton(new Fleet.Alerts.FleetAlertOptions());
        services.TryAddSingleton(sp => new Store.Fleet.FleetConsoleStore(sp.GetRequiredService<Store.IHubDatabase>()));
        services.TryAddSingleton(sp => new Store.Fleet.FleetAlertStore(sp.GetRequiredService<Store.IHubDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Fleet.Alerts.IAlertChannel, Fleet.Alerts.WebhookAlertChannel>();
        services.AddSingleton<Fleet.Alerts.IAlertChannel, Fleet.Alerts.EmailAlertChannel>();
        services.AddSingleton<Fleet.Alerts.FleetAlertMonitor>();
        services.AddSingleton<GrainWakeup>();
        services.AddSingleton<IOrderOutboxSignal>(sp => sp.GetRequiredService<GrainWakeup>());
        services.AddHostedService(sp => sp.GetRequiredService<GrainWakeup>());
        return services;
    }
}
