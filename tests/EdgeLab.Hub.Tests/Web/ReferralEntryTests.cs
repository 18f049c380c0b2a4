using System.Net;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Web;

/// <summary>Referral entry's identity rule over plain HTTP, on both databases: a SNILS of another registered person is held, never merged.</summary>
public sealed class ReferralEntryTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_snils_of_another_person_goes_to_the_identity_queue_and_is_decided_there(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider);
        await host.Hub.RegisterAsync(["WBC"]); // Ivanova, with her SNILS
        using var client = host.NewClient();
        await WebTestHost.SignInAsync(client, WebTestHost.Registrar);
        var form = await client.GetStringAsync(new Uri("/referrals/new", UriKind.Relative));

        var saved = await WebTestHost.PostFormAsync(client, "/referrals/new", form, "referral", new()
        {
            ["family"] = "Петрова",
            ["given"] = "Анна",
            ["birthDate"] = "1990-01-02",
            ["sex"] = "female",
            ["snils"] = Patients.Ivanova.Snils!,
            ["practitioner"] = "Петров П. П.",
            ["lab"] = TestHub.Lab,
            ["test"] = "HGB",
        });

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("очередь конфликтов идентичности", await saved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var held = Assert.Single((await host.Hub.Store.ListIdentityConflictsAsync(AccessScope.ForOrganization(TestHub.Clinic), false)).Items);
        Assert.Equal("Петрова", held.SubmittedPatient.FamilyName);
        Assert.Single((await host.Hub.Store.SearchReferralsAsync(AccessScope.Region, new ReferralQuery())).Items); // only Ivanova's

        var detail = await client.GetStringAsync(new Uri($"/queues/identity-conflicts/{held.Id}", UriKind.Relative));
        var decided = await WebTestHost.PostFormAsync(client, $"/queues/identity-conflicts/{held.Id}", detail, "decide", new() { ["decision"] = "different", ["note"] = "другой человек" });

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var resolved = await host.Hub.Store.GetIdentityConflictAsync(AccessScope.Region, held.Id);
        Assert.NotNull(resolved?.ResolvedAt);
        Assert.Equal($"user:{WebTestHost.Registrar}", resolved.ResolvedBy);
        Assert.Equal(2, (await host.Hub.Store.SearchReferralsAsync(AccessScope.Region, new ReferralQuery())).Items.Count);
        Assert.Contains(await host.AuditAsync(WebTestHost.Registrar), e => e.Action == "resolve" && e.ResourceType == "IdentityConflict" && e.StatusCode == 200);
    }
}
