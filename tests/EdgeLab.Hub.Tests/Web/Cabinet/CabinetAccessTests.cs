using System.Net;
using System.Text.RegularExpressions;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.Hub.Web.Cabinet;
using EdgeLab.Testing;
using static EdgeLab.Hub.Tests.Web.Cabinet.CabinetScenario;

namespace EdgeLab.Hub.Tests.Web.Cabinet;

/// <summary>
/// The patient's cabinet access (issue 14): slip code, then birth date; the lockout per code on the hub's clock; the
/// patient session apart from the staff's; another patient's report refused and audited. Plain HTTP against the pages
/// on Kestrel over a real SQLite file and a real PostgreSQL database.
/// </summary>
public sealed class CabinetAccessTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private static readonly FakeTimeProvider Start = new(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));

    private static FakeTimeProvider NewClock() => new(Start.GetUtcNow());

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_code_shows_initials_lab_and_expiry_then_the_birth_date_opens_the_results(string provider)
    {
        var time = NewClock();
        await using var host = await WebTestHost.StartAsync(provider, time);
        var slip = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"]);
        await AddCbcAsync(host, slip, 1, hgb: "9.0");
        using var client = host.NewClient();

        var step1 = await PostCodeAsync(client, slip.Code.ToLowerInvariant().Replace('-', ' '));
        var step1Text = Text(await step1.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, step1.StatusCode);
        Assert.Contains("М. С. И.", step1Text, StringComparison.Ordinal);
        Assert.Contains("Lab One", step1Text, StringComparison.Ordinal);
        Assert.Contains((time.GetUtcNow() + EdgeLab.Hub.Web.Documents.CabinetAccessCode.Lifetime).ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture), step1Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Иванова", step1Text, StringComparison.Ordinal);
        Assert.DoesNotContain(IvanovaBirthDate, step1Text, StringComparison.Ordinal);

        await SignInAsync(client, slip.Code, IvanovaBirthDate);
        var results = await client.GetAsync(new Uri("/cabinet/results", UriKind.Relative));
        var text = Text(await results.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, results.StatusCode);
        Assert.Contains("Гемоглобин", text, StringComparison.Ordinal);
        Assert.Contains("↓ ниже нормы", text, StringComparison.Ordinal); // 90 g/L for a woman: below the range, in words and a symbol
        Assert.Contains("окончательный", text, StringComparison.Ordinal);
        Assert.Contains("Гемоглобин переносит кислород", text, StringComparison.Ordinal); // the catalog's plain-language note
        var audit = await host.Hub.Store.QueryAuditAsync(new EdgeLab.Hub.Store.AuditQuery { ClientId = $"patient:{slip.Registered.Referral.Id}", Count = 50 });
        Assert.Contains(audit.Items, e => e.Action == "cabinet-code" && e.PatientId == slip.Registered.Patient.Id);
        Assert.Contains(audit.Items, e => e.Action == "cabinet-sign-in" && e.StatusCode == 200);
        Assert.Contains(audit.Items, e => e.Action == "read" && e.ResourceType == "Referral" && e.ResourceId == slip.Registered.Referral.Id);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Wrong_birth_dates_lock_the_code_until_the_lock_runs_out(string provider)
    {
        var time = NewClock();
        await using var host = await WebTestHost.StartAsync(provider, time);
        var slip = await RegisterAsync(host, time, ["HGB"]);
        using var client = host.NewClient();

        var badFormat = await PostBirthDateAsync(client, slip.Code, "1980-03-14");
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode); // one format only, and not counted as a wrong date
        for (var i = 1; i < CabinetSignIn.MaxFailures; i++)
        {
            var wrong = await PostBirthDateAsync(client, slip.Code, "15.03.1980");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains($"Осталось попыток: {CabinetSignIn.MaxFailures - i}", Text(await wrong.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        var locking = await PostBirthDateAsync(client, slip.Code, "15.03.1980");
        Assert.Equal((HttpStatusCode)429, locking.StatusCode);

        // Locked: even the right date is refused, and the code step already says so.
        var right = await PostBirthDateAsync(client, slip.Code, IvanovaBirthDate);
        Assert.Equal((HttpStatusCode)429, right.StatusCode);
        Assert.Contains("заблокирован до 21.11.2026 09:30:00 UTC", Text(await right.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        time.Advance(CabinetSignIn.LockoutDuration + TimeSpan.FromSeconds(1));
        await SignInAsync(client, slip.Code, IvanovaBirthDate);

        var audit = await host.Hub.Store.QueryAuditAsync(new EdgeLab.Hub.Store.AuditQuery { ClientId = $"patient:{slip.Registered.Referral.Id}", Count = 100 });
        Assert.Equal(CabinetSignIn.MaxFailures - 1, audit.Items.Count(e => e.Action == "cabinet-sign-in-wrong-birth-date"));
        Assert.Contains(audit.Items, e => e.Action == "cabinet-sign-in-locked-out" && e.StatusCode == 429);
        Assert.Contains(audit.Items, e => e.Action == "cabinet-sign-in-bad-date-format");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_unknown_or_expired_code_says_so_and_asks_no_birth_date(string provider)
    {
        var time = NewClock();
        await using var host = await WebTestHost.StartAsync(provider, time);
        var slip = await RegisterAsync(host, time, ["HGB"]);
        using var client = host.NewClient();

        var unknown = await PostCodeAsync(client, "ZZZZZ-ZZZZZ");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Contains("Такого кода нет", Text(await unknown.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.DoesNotContain("Birth.BirthDate", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        time.Advance(EdgeLab.Hub.Web.Documents.CabinetAccessCode.Lifetime + TimeSpan.FromDays(1));
        var expired = await PostCodeAsync(client, slip.Code);
        var html = await expired.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("Срок действия кода истёк 20.05.2027", Text(html), StringComparison.Ordinal);
        Assert.DoesNotContain("Birth.BirthDate", html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Another_patients_report_is_403_and_the_refusal_is_audited(string provider)
    {
        var time = NewClock();
        await using var host = await WebTestHost.StartAsync(provider, time);
        var mine = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"]);
        var theirs = await RegisterAsync(host, time, ["WBC", "HGB", "PLT"], Patients.Sidorov);
        await AddCbcAsync(host, mine, 1);
        await AddCbcAsync(host, theirs, 2);
        using var client = host.NewClient();
        await SignInAsync(client, mine.Code, IvanovaBirthDate);

        var own = await client.GetAsync(new Uri($"/cabinet/reports/{mine.ReportId}", UriKind.Relative));
        var other = await client.GetAsync(new Uri($"/cabinet/reports/{theirs.ReportId}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.DoesNotContain("Сидоров", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var audit = await host.Hub.Store.QueryAuditAsync(new EdgeLab.Hub.Store.AuditQuery { ClientId = $"patient:{mine.Registered.Referral.Id}", Count = 50 });
        Assert.Contains(audit.Items, e => e.Action == "refused" && e.ResourceType == "DiagnosticReport" && e.ResourceId == theirs.ReportId && e.StatusCode == 403);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_patient_session_is_its_own_scheme_and_expires(string provider)
    {
        var time = NewClock();
        await using var host = await WebTestHost.StartAsync(provider, time);
        var slip = await RegisterAsync(host, time, ["HGB"]);

        using var staff = host.NewClient();
        await WebTestHost.SignInAsync(staff, WebTestHost.Doctor);
        var staffInCabinet = await staff.GetAsync(new Uri("/cabinet/results", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, staffInCabinet.StatusCode); // the staff cookie opens no cabinet page
        Assert.StartsWith("/cabinet", staffInCabinet.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        using var patient = host.NewClient();
        await SignInAsync(patient, slip.Code, IvanovaBirthDate);
        var patientInConsole = await patient.GetAsync(new Uri("/queues/unmatched", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, patientInConsole.StatusCode); // nor the patient's a staff page
        Assert.StartsWith("/signin", patientInConsole.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await patient.GetAsync(new Uri("/cabinet/results", UriKind.Relative))).StatusCode);
        time.Advance(CabinetSignIn.SessionIdle + TimeSpan.FromMinutes(1));
        var expired = await patient.GetAsync(new Uri("/cabinet/results", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Who_read_my_record_lists_the_staff_views_of_this_patient_only(string provider)
    {
        var time = NewClock();
        await using var host = await WebTestHost.StartAsync(provider, time);
        var slip = await RegisterAsync(host, time, ["HGB"]);
        var other = await RegisterAsync(host, time, ["HGB"], Patients.Sidorov);
        using var staff = host.NewClient();
        await WebTestHost.SignInAsync(staff, WebTestHost.Registrar);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync(new Uri($"/referrals/{slip.Registered.Referral.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync(new Uri($"/referrals/{other.Registered.Referral.Id}", UriKind.Relative))).StatusCode);
        using var patient = host.NewClient();
        await SignInAsync(patient, slip.Code, IvanovaBirthDate);

        var page = await patient.GetAsync(new Uri("/cabinet/access-log", UriKind.Relative));
        var text = Text(await page.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"сотрудник {WebTestHost.Registrar} Clinic One read Referral", text, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(text, $"сотрудник {Regex.Escape(WebTestHost.Registrar)}"));
        Assert.Contains("Вы (личный кабинет)", text, StringComparison.Ordinal);
    }
}
