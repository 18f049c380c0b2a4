using System.Net;
using System.Text.RegularExpressions;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Hosting;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.Hub.Web;
using EdgeLab.Hub.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Tests.Web;

/// <summary>
/// The hub's HTTP side as <c>run</c> wires it (HttpApi + WebUi) on Kestrel at a loopback port, over a real hub
/// database from <see cref="TestHub"/>, with the real <see cref="ReferralService"/> (orders are queued in the outbox;
/// no broker here) and four people: <see cref="Registrar"/> (clinic-1), <see cref="Technician"/> (lab-1),
/// <see cref="Doctor"/> (lab-1, lab doctor) and <see cref="Officer"/> (security officer), all with <see cref="Password"/>.
/// </summary>
internal sealed partial class WebTestHost : IAsyncDisposable
{
    public const string Registrar = "reg.ivanova";
    public const string Technician = "tech.petrov";
    public const string Doctor = "doc.smirnova";
    public const string Officer = "sec.orlov";
    public const string Password = "correct horse battery";

    private readonly WebApplication _app;

    private WebTestHost(TestHub hub, WebApplication app, Uri address)
    {
        Hub = hub;
        _app = app;
        Address = address;
    }

    public TestHub Hub { get; }
    public Uri Address { get; }
    public IServiceProvider Services => _app.Services;

    /// <param name="time">The hub's clock for the pages (lockouts, session expiry); the system clock unless a test moves time.</param>
    /// <param name="configure">Services a test adds before the pages' own (e.g. the SMTP settings, a log sink).</param>
    public static async Task<WebTestHost> StartAsync(string provider, TimeProvider? time = null, Action<IServiceCollection>? configure = null)
    {
        var hub = await TestHub.CreateAsync(provider);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(hub.Database);
        builder.Services.AddSingleton<ITestCatalog>(hub.Catalog);
        builder.Services.AddSingleton(hub.Store);
        builder.Services.AddHubStoreInterfaces();
        // The gateway stores read the hub's clock: the test's one, so expiry and "last heard" follow the test.
        builder.Services.AddSingleton<IGatewayStateStore>(new GatewayStateStore(hub.Database, hub.Time));
        builder.Services.AddSingleton(new GatewayEnrolmentStore(hub.Database, hub.Time));
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton<IOrderOutboxSignal>(new CountingOrderSignal());
        builder.Services.AddSingleton<IReferralService, ReferralService>();
        configure?.Invoke(builder.Services);
        builder.Services.AddHttpApi(builder.Configuration).AddWebUi();
        var app = builder.Build();
        app.MapHttpApi().MapWebUi();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        await hub.Store.UpsertOrganizationAsync(new Organization { Id = "region-office", Name = "Региональный центр", Kind = OrganizationKind.Clinic });
        await AddPersonAsync(hub, Registrar, "Иванова А. А.", TestHub.Clinic, WebRole.Registrar);
        await AddPersonAsync(hub, Technician, "Петров П. П.", TestHub.Lab, WebRole.LabTechnician);
        await AddPersonAsync(hub, Doctor, "Смирнова Е. В.", TestHub.Lab, WebRole.LabDoctor);
        await AddPersonAsync(hub, Officer, "Орлов О. О.", "region-office", WebRole.SecurityOfficer);
        return new WebTestHost(hub, app, address);
    }

    public static Task AddPersonAsync(TestHub hub, string login, string name, string organization, WebRole role) =>
        hub.Store.AddWebUserAsync(new WebUser
        {
            Login = login,
            DisplayName = name,
            OrganizationId = organization,
            Role = role,
            PasswordHash = PersonSignIn.Hash(Password),
            Created = DateTimeOffset.UtcNow,
        });

    /// <summary>A browser-like client: its own cookie jar, redirects not followed (tests look at them).</summary>
    public HttpClient NewClient() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = Address };

    /// <summary>Signs in through the sign-in page's form (antiforgery token included); returns the POST's response.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string login, string password = Password)
    {
        var page = await client.GetStringAsync(new Uri("/signin", UriKind.Relative));
        return await PostFormAsync(client, "/signin", page, "signin", new() { ["Input.Login"] = login, ["Input.Password"] = password });
    }

    /// <summary>Posts a form of <paramref name="page"/> as a browser would: its antiforgery token and handler name with the fields.</summary>
    public static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, string page, string formName, Dictionary<string, string> fields, bool withToken = true)
    {
        var form = new Dictionary<string, string>(fields) { ["_handler"] = formName };
        if (withToken) form["__RequestVerificationToken"] = AntiforgeryToken(page);
        return client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(form));
    }

    public static string AntiforgeryToken(string page) =>
        TokenField().Match(page) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("the page has no antiforgery token");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    public async Task<IReadOnlyList<AuditEntry>> AuditAsync(string login) =>
        (await Hub.Store.QueryAuditAsync(new AuditQuery { ClientId = $"user:{login}", Count = 200 })).Items;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Hub.DisposeAsync();
    }
}
