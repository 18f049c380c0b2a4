using System.Globalization;
using System.Net;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.Hub.Web.Auth;

namespace EdgeLab.Hub.Tests.Web;

/// <summary>
/// The lab console's validation worklist and critical-value board over plain HTTP, on both databases (issue 13): who
/// may open them, that the patient-data views are audited, and that a decision or an acknowledgement made through the
/// page's form lands in the same store as the API's, audited with the person.
/// </summary>
public sealed class LabConsoleTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private const string ClinicDoctor = "clin.sokolova";

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_lab_doctor_sees_why_a_result_waits_with_its_history_and_releases_it(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider);
        await WebTestHost.AddPersonAsync(host.Hub, ClinicDoctor, "Соколова Н. Н.", TestHub.Clinic, WebRole.ClinicDoctor);
        var earlier = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, earlier.Specimens.Single().Id, hgb: "13.5", completed: Messages.At.AddDays(-10)))]);
        var reg = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(2, reg.Specimens.Single().Id, hgb: "11.0"))]);
        var held = (await host.Hub.Store.ListWorklistAsync(AccessScope.Region)).SelectMany(g => g.Results).Single(e => e.Result.ReferralId == reg.Referral.Id).Result;

        // Who may open it: the lab doctor; not the technician, the registrar or the clinic's doctor.
        foreach (var login in new[] { WebTestHost.Technician, WebTestHost.Registrar, ClinicDoctor })
        {
            using var other = host.NewClient();
            await WebTestHost.SignInAsync(other, login);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(new Uri("/validation", UriKind.Relative))).StatusCode);
        }
        using var client = host.NewClient();
        await WebTestHost.SignInAsync(client, WebTestHost.Doctor);
        var page = await client.GetStringAsync(new Uri("/validation", UriKind.Relative));

        Assert.Contains($"Направление {reg.Referral.Id}", page, StringComparison.Ordinal);
        Assert.Contains("вне референсного интервала", page, StringComparison.Ordinal); // the hold reason in words
        Assert.Contains("↓ ниже нормы", page, StringComparison.Ordinal); // the flag in words with a symbol
        Assert.Contains("135 g/L — " + Messages.At.AddDays(-10).ToString("dd.MM.yyyy", CultureInfo.InvariantCulture), page, StringComparison.Ordinal); // the previous value and date
        Assert.Contains("−25 (−18.5 %)", page, StringComparison.Ordinal); // the delta
        Assert.Contains("Иванова", page, StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync(WebTestHost.Doctor), e => e.Action == "read" && e.ResourceType == "ValidationWorklist" && e.StatusCode == 200);

        // The filter: by a hold reason the result does not have, it is not listed.
        var filtered = await client.GetStringAsync(new Uri("/validation?hold=qcfailed", UriKind.Relative));
        Assert.DoesNotContain($"Направление {reg.Referral.Id}", filtered, StringComparison.Ordinal);

        var url = $"/web/validation/results/{held.Id}";
        // Without the antiforgery token: refused, nothing decided.
        Assert.Equal(HttpStatusCode.BadRequest, (await WebTestHost.PostFormAsync(client, url, page, "", new() { ["action"] = "release" }, withToken: false)).StatusCode);
        // A reject needs a reason: back to the page with the reason asked for, still held.
        var noReason = await WebTestHost.PostFormAsync(client, url, page, "", new() { ["action"] = "reject", ["reason"] = " " });
        Assert.Equal(HttpStatusCode.Redirect, noReason.StatusCode);
        var asked = await client.GetStringAsync(noReason.Headers.Location);
        Assert.Contains("для отклонения укажите причину", asked, StringComparison.Ordinal);
        Assert.Equal(ValidationState.Held, (await host.Hub.Store.GetObservationAsync(AccessScope.Region, held.Id))!.Validation);

        var released = await WebTestHost.PostFormAsync(client, url, page, "", new() { ["action"] = "release", ["reason"] = "" });
        Assert.Equal(HttpStatusCode.Redirect, released.StatusCode);
        var after = await client.GetStringAsync(released.Headers.Location);
        Assert.Contains($"Результат № {held.Id} выпущен", after, StringComparison.Ordinal);
        Assert.DoesNotContain($"Направление {reg.Referral.Id}", after, StringComparison.Ordinal);
        Assert.Equal(ValidationState.Released, (await host.Hub.Store.GetObservationAsync(AccessScope.Region, held.Id))!.Validation);
        Assert.Equal($"user:{WebTestHost.Doctor}", (await host.Hub.Store.GetDecisionAsync(held.Id))!.DecidedBy);
        var audit = await host.AuditAsync(WebTestHost.Doctor);
        var id = held.Id.ToString(CultureInfo.InvariantCulture);
        Assert.Contains(audit, e => e.Action == "release" && e.ResourceType == "Observation" && e.ResourceId == id && e.StatusCode == 200 && e.PatientId == reg.Patient.Id);
        Assert.Contains(audit, e => e.Action == "reject" && e.ResourceId == id && e.StatusCode == 422);

        // Deciding again: the page says it no longer waits (409 in the audit), nothing changes.
        var again = await WebTestHost.PostFormAsync(client, url, page, "", new() { ["action"] = "rerun" });
        Assert.Contains("уже не ожидает валидации", await client.GetStringAsync(again.Headers.Location), StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync(WebTestHost.Doctor), e => e.Action == "rerun" && e.ResourceId == id && e.StatusCode == 409);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_critical_value_is_on_the_board_with_the_clinic_to_call_until_acknowledged_with_read_back(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider);
        await WebTestHost.AddPersonAsync(host.Hub, ClinicDoctor, "Соколова Н. Н.", TestHub.Clinic, WebRole.ClinicDoctor);
        var reg = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, reg.Specimens.Single().Id, hgb: "6.0"))]);
        var item = Assert.Single(await host.Hub.Store.ListCriticalBoardAsync(AccessScope.Region));

        foreach (var login in new[] { WebTestHost.Registrar, ClinicDoctor, WebTestHost.Officer })
        {
            using var other = host.NewClient();
            await WebTestHost.SignInAsync(other, login);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(new Uri("/critical-values", UriKind.Relative))).StatusCode);
        }
        // The technician phones critical values too.
        using var client = host.NewClient();
        await WebTestHost.SignInAsync(client, WebTestHost.Technician);
        var page = await client.GetStringAsync(new Uri("/critical-values", UriKind.Relative));
        Assert.Contains("Clinic One", page, StringComparison.Ordinal);
        Assert.Contains("⇊ критически низкий", page, StringComparison.Ordinal);
        Assert.Contains("HGB: 60 g/L", page, StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync(WebTestHost.Technician), e => e.Action == "read" && e.ResourceType == "CriticalValue" && e.StatusCode == 200);

        var url = $"/web/critical-values/{item.Notification.Id}/acknowledge";
        var fields = new Dictionary<string, string> { ["informedBy"] = "Петров П. П., лаборант", ["informedWhom"] = "Сидоров С. С., дежурный врач" };
        // Without the read-back it does not count.
        var noReadBack = await WebTestHost.PostFormAsync(client, url, page, "", fields);
        Assert.Contains("значение не подтверждено", await client.GetStringAsync(noReadBack.Headers.Location), StringComparison.Ordinal);
        Assert.Single(await host.Hub.Store.ListCriticalBoardAsync(AccessScope.Region));

        var acknowledged = await WebTestHost.PostFormAsync(client, url, page, "", new(fields) { ["readBack"] = "true", ["informedAt"] = "2026-11-21T08:40" });
        var after = await client.GetStringAsync(acknowledged.Headers.Location);
        Assert.Contains("подтверждено", after, StringComparison.Ordinal);
        Assert.Contains("Неподтверждённых критических значений нет", after, StringComparison.Ordinal);
        Assert.Empty(await host.Hub.Store.ListCriticalBoardAsync(AccessScope.Region));
        var audit = await host.AuditAsync(WebTestHost.Technician);
        Assert.Contains(audit, e => e.Action == "acknowledge" && e.ResourceType == "CriticalValue" && e.StatusCode == 422);
        Assert.Contains(audit, e => e.Action == "acknowledge" && e.ResourceType == "CriticalValue" && e.StatusCode == 200);
    }
}
