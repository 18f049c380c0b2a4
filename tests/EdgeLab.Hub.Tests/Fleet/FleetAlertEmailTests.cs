using EdgeLab.Contract;
using EdgeLab.Hub.Fleet.Alerts;
using EdgeLab.Hub.Mail;
using EdgeLab.Hub.Store.Mail;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.Hub.Tests.Web.Cabinet;
using EdgeLab.LocalServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Tests.Fleet;

/// <summary>
/// Fleet alerts by e-mail (issue 12 §6) through the hub's mail outbox to a real SMTP server (aiosmtpd): one mail per
/// address for the raise and one for the clear, each naming the gateway and the kind; a delivery repeated after a crash
/// sends nothing twice; a node without the mail outbox queues nothing for e-mail; a bad address in the alerts file is
/// refused when the file is read, naming it.
/// </summary>
public sealed class FleetAlertEmailTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Raise_and_clear_are_mailed_once_to_each_address(string provider)
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        await using var hub = await TestHub.CreateAsync(provider);
        var options = new FleetAlertOptions { EmailTo = ["duty@it.example.org", "lead@it.example.org"] };
        await using var services = new ServiceCollection()
            .AddLogging(l => l.ClearProviders())
            .AddSingleton<TimeProvider>(hub.Time)
            .AddSingleton<IMailOutboxStore>(hub.Store)
            .AddSingleton(CabinetEmailScenario.Options(smtp.Port))
            .AddMail()
            .BuildServiceProvider();
        var email = new EmailAlertChannel(services, options);
        Assert.True(email.Enabled);
        var monitor = FleetAlertTests.Monitor(hub, [email], options);
        var sweep = services.GetRequiredService<MailOutboxSweep>();

        await FleetAlertTests.StatusAsync(hub, new StatusMessage { GatewayId = TestHub.Gateway, Online = false, At = hub.Time.GetUtcNow() });
        hub.Time.Advance(TimeSpan.FromMinutes(11));
        var alert = Assert.Single((await monitor.EvaluateAsync(CancellationToken.None)).Raised);
        Assert.Equal(1, await monitor.DeliverDueAsync(CancellationToken.None));
        // The same notice queued again (a node that died after queuing, before marking it delivered): no second mail.
        Assert.Null(await email.SendAsync(new AlertNotice("raised", alert), CancellationToken.None));
        await sweep.SweepOnceAsync();
        var raised = await smtp.WaitForAsync(2);
        Assert.Equal(["duty@it.example.org", "lead@it.example.org"], raised.Select(m => m.To.Mailboxes.Single().Address).Order());
        Assert.All(raised, m => Assert.Contains($"offline — {TestHub.Gateway}", m.Subject, StringComparison.Ordinal));
        Assert.All(raised, m => Assert.Contains("/fleet/gateways/" + TestHub.Gateway, m.TextBody, StringComparison.Ordinal));

        await FleetAlertTests.StatusAsync(hub, new StatusMessage { GatewayId = TestHub.Gateway, Online = true, At = hub.Time.GetUtcNow() });
        Assert.Single((await monitor.EvaluateAsync(CancellationToken.None)).Cleared);
        Assert.Equal(1, await monitor.DeliverDueAsync(CancellationToken.None));
        await sweep.SweepOnceAsync();
        var all = await smtp.WaitForAsync(4);
        Assert.Equal(4, all.Count);
        Assert.Equal(2, all.Count(m => (m.Subject ?? "").Contains("cleared", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Without_the_mail_outbox_or_addresses_the_channel_is_off()
    {
        await using var none = new ServiceCollection().BuildServiceProvider();
        Assert.False(new EmailAlertChannel(none, new FleetAlertOptions { EmailTo = ["duty@it.example.org"] }).Enabled);
        using var dir = new ScratchDirectory("fleet-alerts");
        var file = dir.File("alerts.json");
        await File.WriteAllTextAsync(file, """{"emailTo": ["duty@it.example.org", "not an address"]}""");
        var e = Assert.Throws<ArgumentException>(() => FleetAlertOptions.Load(file));
        Assert.Contains("emailTo 'not an address'", e.Message, StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, """{"emailTo": ["Duty@IT.example.org"]}""");
        Assert.Single(FleetAlertOptions.Load(file).EmailTo);
    }
}
