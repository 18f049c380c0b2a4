using System.Net;
using EdgeLab.Hub.Mail;
using EdgeLab.Hub.Store.Mail;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.Hub.Web.Cabinet;
using EdgeLab.LocalServices;
using EdgeLab.Testing;
using Microsoft.Extensions.DependencyInjection;
using static EdgeLab.Hub.Tests.Web.Cabinet.CabinetEmailScenario;
using static EdgeLab.Hub.Tests.Web.Cabinet.CabinetScenario;

namespace EdgeLab.Hub.Tests.Web.Cabinet;

/// <summary>
/// The cabinet's e-mail (issue 14) over a real SMTP server (Debian's aiosmtpd on loopback) and a real SQLite file and
/// PostgreSQL database: the one-time code arrives and works once, expires on the hub's clock, locks after wrong
/// tries, is rate-limited; the e-mail session shows all of the patient's referrals; "results ready" goes once per
/// release and "corrected" once per correction, with no result or name in the mail; a mail queued while the SMTP
/// server is down is sent when it is back; no address or code in the log.
/// </summary>
public sealed class CabinetEmailTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_code_links_the_address_once_and_signs_in_to_all_referrals(string provider)
    {
        var time = NewClock();
        var log = new LogLines();
        await using var smtp = await SmtpTestServer.StartAsync();
        await using var host = await StartAsync(provider, time, smtp.Port, log);
        var first = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"]);
        await AddCbcAsync(host, first, 1);
        var second = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"]);
        await AddCbcAsync(host, second, 2, hgb: "9.0");
        using var slipClient = host.NewClient();
        await SignInAsync(slipClient, first.Code, IvanovaBirthDate);

        await LinkAsync(slipClient, smtp);

        using var mailClient = host.NewClient();
        var asked = await RequestSignInAsync(mailClient);
        var codePage = await asked.Content.ReadAsStringAsync();
        Assert.Contains("мы отправили на него код", Text(codePage), StringComparison.Ordinal);
        var code = await smtp.CodeAsync(Address, 2);
        var signedIn = await SignInCodeAsync(mailClient, codePage, code);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var results = await mailClient.GetStringAsync(new Uri("/cabinet/results", UriKind.Relative));
        Assert.Contains($"/cabinet/reports/{first.ReportId}", results, StringComparison.Ordinal); // both referrals, not one slip's
        Assert.Contains($"/cabinet/reports/{second.ReportId}", results, StringComparison.Ordinal);
        var slipResults = await slipClient.GetStringAsync(new Uri("/cabinet/results", UriKind.Relative));
        Assert.DoesNotContain($"/cabinet/reports/{second.ReportId}", slipResults, StringComparison.Ordinal);

        // The same code again, from another browser: used once, refused.
        using var replay = host.NewClient();
        var replayPage = await replay.GetStringAsync(new Uri("/cabinet/email-signin", UriKind.Relative)); // its own antiforgery token
        var again = await WebTestHost.PostFormAsync(replay, "/cabinet/email-signin", replayPage, "email-code",
            new() { ["Code.Challenge"] = Challenge(codePage, "Code"), ["Code.Code"] = code });
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Contains("уже использован", Text(await again.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var mails = smtp.Messages();
        Assert.All(mails, m => Assert.DoesNotContain("Иванова", m.TextBody, StringComparison.Ordinal));
        var audit = await host.Hub.Store.QueryAuditAsync(new EdgeLab.Hub.Store.AuditQuery { PatientId = first.Registered.Patient.Id, Count = 200 });
        Assert.Contains(audit.Items, e => e.Action == "cabinet-email-linked");
        Assert.Contains(audit.Items, e => e.Action == "cabinet-email-sign-in" && e.ClientId == $"patient:email:{first.Registered.Patient.Id}");
        AssertNoSecretsIn(log, code);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_code_expires_after_ten_minutes_and_locks_after_five_wrong_tries(string provider)
    {
        var time = NewClock();
        var log = new LogLines();
        await using var smtp = await SmtpTestServer.StartAsync();
        await using var host = await StartAsync(provider, time, smtp.Port, log);
        var slip = await RegisterAsync(host, time, ["HGB"]);
        using var client = host.NewClient();
        await SignInAsync(client, slip.Code, IvanovaBirthDate);

        var asked = await AddAddressAsync(client);
        var expiredPage = await asked.Content.ReadAsStringAsync();
        var expiredCode = await smtp.CodeAsync(Address, 1);
        time.Advance(CabinetEmailCodes.Lifetime + TimeSpan.FromSeconds(1));
        var expired = await ConfirmAsync(client, expiredPage, expiredCode);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("Срок действия кода истёк", Text(await expired.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var fresh = await AddAddressAsync(client);
        var page = await fresh.Content.ReadAsStringAsync();
        var code = await smtp.CodeAsync(Address, 2);
        for (var i = 1; i < CabinetEmailCodes.MaxTries; i++)
        {
            var wrong = await ConfirmAsync(client, page, Wrong(code));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            page = await wrong.Content.ReadAsStringAsync();
            Assert.Contains($"Осталось попыток: {CabinetEmailCodes.MaxTries - i}", Text(page), StringComparison.Ordinal);
        }
        var locking = await ConfirmAsync(client, page, Wrong(code));
        Assert.Equal((HttpStatusCode)429, locking.StatusCode);
        var right = await ConfirmAsync(client, page, code); // the right code no longer opens a locked challenge
        Assert.Equal((HttpStatusCode)429, right.StatusCode);
        Assert.Null(await host.Hub.Store.GetEmailOfPatientAsync(slip.Registered.Patient.Id));
        AssertNoSecretsIn(log, code);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Code_requests_are_rate_limited_per_address(string provider)
    {
        var time = NewClock();
        var log = new LogLines();
        await using var smtp = await SmtpTestServer.StartAsync();
        await using var host = await StartAsync(provider, time, smtp.Port, log);
        using var client = host.NewClient();

        for (var i = 0; i < CabinetEmailCodes.MaxPerAddress; i++)
            Assert.Equal(HttpStatusCode.OK, (await RequestSignInAsync(client, "nobody@example.org")).StatusCode); // unknown: same answer, no mail
        var limited = await RequestSignInAsync(client, "nobody@example.org");
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Contains("Слишком много запросов", Text(await limited.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await RequestSignInAsync(client, "other@example.org")).StatusCode); // per address

        time.Advance(CabinetEmailCodes.RateWindow + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await RequestSignInAsync(client, "nobody@example.org")).StatusCode);
        Assert.Empty(smtp.Messages());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task One_ready_mail_per_release_and_one_corrected_mail_without_results(string provider)
    {
        var time = NewClock();
        var log = new LogLines();
        await using var smtp = await SmtpTestServer.StartAsync();
        await using var host = await StartAsync(provider, time, smtp.Port, log);
        var slip = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"]);
        using var client = host.NewClient();
        await SignInAsync(client, slip.Code, IvanovaBirthDate);
        await LinkAsync(client, smtp);
        var notices = host.Services.CreateScope().ServiceProvider.GetRequiredService<CabinetReadyNotices>();

        await AddCbcAsync(host, slip, 1, hgb: "9.0");
        Assert.Equal(0, await notices.ScanOnceAsync()); // no consent yet: no mail
        await ConsentAsync(client, give: true);
        Assert.Equal(1, await notices.ScanOnceAsync());
        Assert.Equal(0, await notices.ScanOnceAsync());
        var ready = (await smtp.WaitForAsync(2))[1];
        Assert.Equal(CabinetMailText.ReadySubject, ready.Subject);
        Assert.Contains($"{PublicUrl}/cabinet", ready.TextBody, StringComparison.Ordinal);
        foreach (var phi in new[] { "Гемоглобин", "Hemoglobin", "HGB", "9,0", "90", "Иванова", "Мария", IvanovaBirthDate, slip.Registered.Referral.Id, slip.Code })
            Assert.DoesNotContain(phi, ready.Subject + ready.TextBody, StringComparison.Ordinal);

        // A correction after the notice: one "corrected" mail, however often the scan runs.
        time.Advance(TimeSpan.FromMinutes(5));
        host.Hub.Time.Advance(TimeSpan.FromMinutes(5));
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(2, slip.Specimen("HGB"), hgb: "12.0", status: "C"))]);
        await host.Hub.ReleaseHeldAsync();
        // Advancing the clock also wakes the host's own notice sweep, so which scan queues the mail is a race; that one
        // is queued, and only one (the audit below), is the point.
        await notices.ScanOnceAsync();
        Assert.Equal(0, await notices.ScanOnceAsync());
        var corrected = (await smtp.WaitForAsync(3))[2];
        Assert.Equal(CabinetMailText.CorrectedSubject, corrected.Subject);
        Assert.DoesNotContain("12", corrected.TextBody, StringComparison.Ordinal);

        // Resend from the cabinet, then withdrawal: the scan sends nothing more.
        var results = await client.GetStringAsync(new Uri("/cabinet/results", UriKind.Relative));
        var resend = await WebTestHost.PostFormAsync(client, CabinetMailEndpoints.ResendPath, results, "unused", new() { ["referral"] = slip.Registered.Referral.Id });
        Assert.Equal("/cabinet/results?resent=1", resend.Headers.Location!.OriginalString);
        await smtp.WaitForAsync(4);
        await ConsentAsync(client, give: false);
        Assert.Empty(await host.Hub.Store.ListConsentingEmailsAsync());
        Assert.NotNull((await host.Hub.Store.GetEmailOfPatientAsync(slip.Registered.Patient.Id))!.WithdrawnAt);

        var audit = await host.Hub.Store.QueryAuditAsync(new EdgeLab.Hub.Store.AuditQuery { PatientId = slip.Registered.Patient.Id, Count = 200 });
        Assert.Single(audit.Items, e => e.Action == "cabinet-ready-mail-queued");
        Assert.Single(audit.Items, e => e.Action == "cabinet-corrected-mail-queued");
        Assert.Contains(audit.Items, e => e.Action == "cabinet-consent-given" && e.ResourceId == CabinetMailText.ConsentVersion);
        Assert.Contains(audit.Items, e => e.Action == "cabinet-consent-withdrawn");
        Assert.Contains(audit.Items, e => e.Action == "cabinet-ready-resend");
        AssertNoSecretsIn(log, null);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_mail_queued_while_the_smtp_server_is_down_is_sent_when_it_is_back(string provider)
    {
        var time = NewClock();
        var log = new LogLines();
        var port = FreeTcpPort.Next();
        await using var host = await StartAsync(provider, time, port, log);
        var slip = await RegisterAsync(host, time, ["HGB"]);
        using var client = host.NewClient();
        await SignInAsync(client, slip.Code, IvanovaBirthDate);
        var asked = await AddAddressAsync(client); // the page answers at once: the mail is a row in the outbox
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var outbox = host.Services.GetRequiredService<IMailOutboxStore>();
        var sweep = host.Services.GetRequiredService<MailOutboxSweep>();
        await sweep.SweepOnceAsync();
        var failed = (await outbox.GetMailStateAsync(1))!;
        Assert.True(failed.Attempts >= 1 && failed.SentAt is null && failed.FailedAt is null, $"{failed}");
        Assert.Equal(time.GetUtcNow() + Options(port).FirstBackoff, failed.NextAttemptAt);

        await using var smtp = await SmtpTestServer.StartAsync(port);
        Assert.Equal(0, await sweep.SweepOnceAsync()); // not due before its backoff
        time.Advance(Options(port).FirstBackoff + TimeSpan.FromSeconds(1));
        await sweep.SweepOnceAsync();
        var code = await smtp.CodeAsync(Address, 1);
        var sent = (await outbox.GetMailStateAsync(1))!;
        Assert.NotNull(sent.SentAt);
        Assert.Single(smtp.Messages());
        var linked = await ConfirmAsync(client, await asked.Content.ReadAsStringAsync(), code);
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        Assert.Contains(log.Lines, l => l.Contains("not sent", StringComparison.Ordinal)); // the outage is logged — without the address
        AssertNoSecretsIn(log, code);
    }

    private static void AssertNoSecretsIn(LogLines log, string? code)
    {
        foreach (var line in log.Lines)
        {
            Assert.DoesNotContain(Address, line, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Иванова", line, StringComparison.Ordinal);
            if (code is not null) Assert.DoesNotContain(code, line, StringComparison.Ordinal);
        }
    }
}
