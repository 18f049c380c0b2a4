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
        services.AddHttpClient(NotificationDelivery.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<NotificationDelivery>();
        services.TryAddSingleton(new CriticalValueOptions());
        services.AddSingleton<CriticalEscalation>();
        services.AddSingleton<IIngestCommitObserver, IngestCommitNotifier>();
        services.AddSingleton<Transfers.TransferOverdueAlerts>();
        services.AddSingleton<GrainWakeup>();
        services.AddSingleton<IOrderOutboxSignal>(sp => sp.GetRequiredService<GrainWakeup>());
        services.AddHostedService(sp => sp.GetRequiredService<GrainWakeup>());
        return services;
    }
}
