using EdgeLab.Hub.Mail;
using EdgeLab.Hub.Store.Fleet;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeLab.Hub.Fleet.Alerts;

/// <summary>
/// E-mails each raise and clear to the addresses of <see cref="FleetAlertOptions.EmailTo"/> through the hub's mail
/// outbox (hub/EdgeLab.Hub/Mail): "accepted" here means queued durably — the outbox's sweep owns SMTP retries, so a mail
/// server that is down delays the mail but never loses it. One mail per address and notice (the notice's idempotency
/// key is the outbox's dedupe key), so a delivery retried after a crash is not sent twice. Fleet alerts carry gateway
/// ids and analyzer names only, never patient data.
/// </summary>
internal sealed class EmailAlertChannel(IServiceProvider services, FleetAlertOptions options) : IAlertChannel
{
    public const string MailKind = "fleet-alert";

    public string Name => "email";

    /// <summary>Addresses configured and the mail outbox present (a node run without <c>AddMail</c> queues nothing for e-mail).</summary>
    public bool Enabled => options.EmailTo.Count > 0 && services.GetService<IMailOutbox>() is not null;

    public async Task<string?> SendAsync(AlertNotice notice, CancellationToken cancellationToken)
    {
        if (services.GetService<IMailOutbox>() is not { } outbox) return "no mail outbox on this node (run with --smtp-host)";
        var (subject, body) = Compose(notice);
        foreach (var to in options.EmailTo)
        {
            try
            {
                await outbox.EnqueueAsync(new MailMessage(to, subject, body, MailKind, $"{notice.IdempotencyKey}-{to}"), cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException e)
            {
                return $"emailTo '{to}': {e.Message}";
            }
        }
        return null;
    }

    /// <summary>The subject names the event, kind and gateway so a mailbox rule can sort them; the body is the readable detail.</summary>
    public static (string Subject, string Body) Compose(AlertNotice notice)
    {
        var a = notice.Alert;
        var what = notice.Event == "cleared" ? "снято / cleared" : "тревога / raised";
        var subject = $"[EdgeLab] {what}: {a.Kind.Text()} — {a.GatewayId}{(a.Subject.Length == 0 ? "" : " / " + a.Subject)}";
        var body = string.Join('\n',
            $"Шлюз / gateway: {a.GatewayId}",
            $"Тревога / alert: {a.Kind.Text()}{(a.Subject.Length == 0 ? "" : $" ({a.Subject})")}",
            $"Подробности / detail: {a.Detail}",
            $"Поднята / raised: {a.RaisedAt:yyyy-MM-dd HH:mm:ss} UTC",
            a.ClearedAt is { } c ? $"Снята / cleared: {c:yyyy-MM-dd HH:mm:ss} UTC" : "",
            "",
            "Консоль парка / fleet console: /fleet/gateways/" + Uri.EscapeDataString(a.GatewayId));
        return (subject.Length > 200 ? subject[..200] : subject, body);
    }
}
