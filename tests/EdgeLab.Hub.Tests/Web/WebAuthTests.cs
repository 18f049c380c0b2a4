using System.Net;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.Hub.Web.Auth;

namespace EdgeLab.Hub.Tests.Web;

/// <summary>
/// Sign-in, roles, antiforgery and their audit on the web pages, without a browser: plain HTTP against the hub's
/// pages on Kestrel over a real SQLite file and a real PostgreSQL database.
/// </summary>
public sealed class WebAuthTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_page_without_a_session_redirects_to_sign_in(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider);
        using var client = host.NewClient();

        var response = await client.GetAsync(new Uri("/queues/unmatched", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("ReturnUrl=%2Fqueues%2Funmatched", response.Headers.Location.Query, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Signing_in_opens_the_pages_of_the_role_and_is_audited(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider);
        using var client = host.NewClient();

        var signIn = await WebTestHost.SignInAsync(client, WebTestHost.Technician);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var page = await client.GetAsync(new Uri("/queues/unmatched", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"ru\">", html, StringComparison.Ordinal);
        Assert.Contains("Неопознанные результаты", html, StringComparison.Ordinal);
        var audit = await host.AuditAsync(WebTestHost.Technician);
        Assert.Contains(audit, e => e.Action == "sign-in" && e.StatusCode == 200 && e.OrganizationId == TestHub.Lab);
        Assert.Contains(audit, e => e.Action == "read" && e.ResourceType == "Unmatched");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_wrong_role_gets_403_and_the_refusal_is_audited(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider);
        using var client = host.NewClient();
        await WebTestHost.SignInAsync(client, WebTestHost.Registrar);

        var response = await client.GetAsync(new Uri("/queues/quarantine", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Доступ запрещён", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var refused = Assert.Single(await host.AuditAsync(WebTestHost.Registrar), e => e.Action == "refused");
        Assert.Equal(403, refused.StatusCode);
        Assert.Equal("/queues/quarantine", refused.ResourceId);
        Assert.Equal(TestHub.Clinic, refused.OrganizationId);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_post_without_the_antiforgery_token_is_400_and_changes_nothing(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider);
        using var client = host.NewClient();
        await WebTestHost.SignInAsync(client, WebTestHost.Technician);
        var registered = await host.Hub.RegisterAsync(["WBC"]);
        var barcode = registered.Specimens[0].Id;
        var page = await client.GetStringAsync(new Uri("/reception", UriKind.Relative));

        var forged = await WebTestHost.PostFormAsync(client, "/reception", page, "receive", new() { ["Input.Barcode"] = barcode }, withToken: false);
        var signOut = await client.PostAsync(new Uri("/signout", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        Assert.Empty(await host.Hub.Store.ListReceptionsAsync(TestHub.Lab));
        // The same form with its token receives the tube.
        var real = await WebTestHost.PostFormAsync(client, "/reception", page, "receive", new() { ["Input.Barcode"] = barcode, ["Input.Station"] = "desk-2" });
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        var received = Assert.Single(await host.Hub.Store.ListReceptionsAsync(TestHub.Lab));
        Assert.Equal((barcode, "desk-2", WebTestHost.Technician), (received.SpecimenId, received.Station, received.ReceivedBy));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Repeated_wrong_passwords_lock_the_account_even_for_the_right_one(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider);
        using var client = host.NewClient();

        for (var i = 0; i < PersonSignIn.MaxFailures; i++)
        {
            var wrong = await WebTestHost.SignInAsync(client, WebTestHost.Technician, "not the password " + i);
            Assert.NotEqual(HttpStatusCode.Redirect, wrong.StatusCode);
        }
        var right = await WebTestHost.SignInAsync(client, WebTestHost.Technician);

        Assert.NotEqual(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Contains("Вход заблокирован до", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var page = await client.GetAsync(new Uri("/queues/unmatched", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        var audit = await host.AuditAsync(WebTestHost.Technician);
        Assert.Equal(PersonSignIn.MaxFailures - 1, audit.Count(e => e.Action == "sign-in-failed"));
        Assert.Equal(2, audit.Count(e => e.Action == "sign-in-lockedout"));
        Assert.DoesNotContain(audit, e => e.Action == "sign-in");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_disabled_person_loses_the_session_at_the_next_request(string provider)
    {
        await using var host = await WebTestHost.StartAsync(provider);
        using var client = host.NewClient();
        await WebTestHost.SignInAsync(client, WebTestHost.Technician);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/reception", UriKind.Relative))).StatusCode);

        await host.Hub.Store.DisableWebUserAsync(WebTestHost.Technician, DateTimeOffset.UtcNow);

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(new Uri("/reception", UriKind.Relative))).StatusCode);
        Assert.NotEqual(HttpStatusCode.Redirect, (await WebTestHost.SignInAsync(client, WebTestHost.Technician)).StatusCode);
    }

    [Fact]
    public async Task English_is_chosen_by_query_and_then_remembered()
    {
        await using var host = await WebTestHost.StartAsync("sqlite");
        using var client = host.NewClient();

        var english = await client.GetStringAsync(new Uri("/signin?lang=en", UriKind.Relative));
        var again = await client.GetStringAsync(new Uri("/signin", UriKind.Relative));
        using var fresh = host.NewClient();
        fresh.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB,en;q=0.8");
        var byHeader = await fresh.GetStringAsync(new Uri("/signin", UriKind.Relative));

        Assert.Contains("<html lang=\"en\">", english, StringComparison.Ordinal);
        Assert.Contains("Sign in", english, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", again, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", byHeader, StringComparison.Ordinal);
    }
}
