using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeLab.Hub.Mail;

/// <summary>Registers the outbox, its sweep and the SMTP settings (the default: none, mail queued until a node has them).</summary>
internal static class MailServices
{
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.TryAddSingleton(new MailOptions());
        if (services.Any(s => s.ServiceType == typeof(MailOutboxSignal))) return services;
        services.AddSingleton<MailOutboxSignal>();
        services.AddSingleton<IMailOutbox, MailOutbox>();
        services.AddSingleton<MailOutboxSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<MailOutboxSweep>());
        return services;
    }
}
