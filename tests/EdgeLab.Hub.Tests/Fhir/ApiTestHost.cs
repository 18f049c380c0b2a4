using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Hosting;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Tests.Fhir;

/// <summary>
/// The API area (Hosting/HttpApi.AddHttpApi + MapHttpApi, as RunCommand wires it) on an in-memory TestServer over a real hub
/// database from <see cref="TestHub"/> (SQLite file or PostgreSQL), with the real <see cref="ReferralService"/>
/// (orders go to a recording publisher instead of MQTT) and three client systems:
/// <see cref="ClinicToken"/> (clinic-1, read/write + audit.read), <see cref="OtherClinicToken"/> (clinic-2),
/// <see cref="LabToken"/> (lab-1), plus <see cref="PatientOnlyToken"/> (clinic-1, system/Patient.read only).
/// </summary>
internal sealed class ApiTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiTestHost(TestHub hub, WebApplication app, CountingOrderSignal orders)
    {
        Hub = hub;
        _app = app;
        OrderSignal = orders;
    }

    public TestHub Hub { get; }
    public CountingOrderSignal OrderSignal { get; }

    /// <summary>What the API queued for the lab's gateways (nothing drains it here: no broker).</summary>
    public Task<IReadOnlyList<PendingOrder>> PendingOrdersAsync() => Hub.Store.ListPendingOrdersAsync(HubStore.MaxPageSize);
    public string ClinicToken { get; private set; } = "";
    public string OtherClinicToken { get; private set; } = "";
    public string LabToken { get; private set; } = "";
    public string PatientOnlyToken { get; private set; } = "";
    /// <summary>clinic-2's audit reader (audit.read only).</summary>
    public string OtherClinicAuditToken { get; private set; } = "";
    /// <summary>The regional security officer (organization <c>region-office</c>, audit.region).</summary>
    public string OfficerToken { get; private set; } = "";

    public static async Task<ApiTestHost> StartAsync(string provider)
    {
        var hub = await TestHub.CreateAsync(provider);
        var orders = new CountingOrderSignal();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(hub.Database);
        builder.Services.AddSingleton<ITestCatalog>(hub.Catalog);
        builder.Services.AddSingleton(hub.Store);
        builder.Services.AddHubStoreInterfaces();
        // The gateway stores read the hub's clock: the test's one, so expiry and "last heard" follow the test.
        builder.Services.AddSingleton<IGatewayStateStore>(new GatewayStateStore(hub.Database, hub.Time));
        builder.Services.AddSingleton(new GatewayEnrolmentStore(hub.Database, hub.Time));
        builder.Services.AddSingleton(new EdgeLab.Hub.Store.Fleet.FleetConfigStore(hub.Database, hub.Time));
        builder.Services.AddSingleton(new EdgeLab.Hub.Store.Fleet.GatewayCommandStore(hub.Database, hub.Time));
        builder.Services.AddSingleton(new TransferStore(hub.Database, hub.Time));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IOrderOutboxSignal>(orders);
        builder.Services.AddSingleton<IReferralService, ReferralService>();
        builder.Services.AddHttpApi(builder.Configuration);
        var app = builder.Build();
        app.MapHttpApi();
        await app.StartAsync();
        await hub.Store.UpsertOrganizationAsync(new Organization { Id = RegionOffice, Name = "Regional health office", Kind = OrganizationKind.Clinic });
        var host = new ApiTestHost(hub, app, orders)
        {
            ClinicToken = await AddClientAsync(hub, "clinic-1-emr", TestHub.Clinic, [ApiScopes.ReadAll, ApiScopes.WriteAll, ApiScopes.AuditRead]),
            OtherClinicToken = await AddClientAsync(hub, "clinic-2-emr", TestHub.OtherClinic, ApiScopes.Default),
            LabToken = await AddClientAsync(hub, "lab-1-lis", TestHub.Lab, ApiScopes.Default),
            PatientOnlyToken = await AddClientAsync(hub, "clinic-1-portal", TestHub.Clinic, ["system/Patient.read"]),
            OtherClinicAuditToken = await AddClientAsync(hub, "clinic-2-audit", TestHub.OtherClinic, [ApiScopes.AuditRead]),
            OfficerToken = await AddClientAsync(hub, "region-officer", RegionOffice, [ApiScopes.AuditRegion]),
        };
        return host;
    }

    public const string RegionOffice = "region-office";

    public static async Task<string> AddClientAsync(TestHub hub, string id, string organization, IReadOnlyList<string> scopes, DateTimeOffset? expiresAt = null)
    {
        var token = ApiTokens.Generate();
        await hub.Store.AddApiClientAsync(new ApiClient
        {
            Id = id,
            Name = id,
            OrganizationId = organization,
            TokenSha256 = ApiTokens.Hash(token),
            Scopes = scopes,
            Created = DateTimeOffset.UtcNow,
            ExpiresAt = expiresAt,
        });
        return token;
    }

    public HttpClient Client(string? token)
    {
        var client = _app.GetTestClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Hub.DisposeAsync();
    }
}

/// <summary>Counts the API's wake-ups of the order publisher, which these tests do not run (the outbox rows are checked instead).</summary>
internal sealed class CountingOrderSignal : IOrderOutboxSignal
{
    private int _wakes;

    public int Wakes => Volatile.Read(ref _wakes);

    public void Wake() => Interlocked.Increment(ref _wakes);
}

/// <summary>HTTP helpers: JSON bodies as <see cref="JsonNode"/>, FHIR media type checks.</summary>
internal static class Http
{
    public static async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> FetchAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        return ((int)response.StatusCode, await ReadAsync(response), response);
    }

    public static async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> PostJsonAsync(this HttpClient client, string url, string json, string mediaType = "application/json")
    {
        using var content = new StringContent(json, Encoding.UTF8, mediaType);
        var response = await client.PostAsync(new Uri(url, UriKind.Relative), content);
        return ((int)response.StatusCode, await ReadAsync(response), response);
    }

    private static async Task<JsonNode?> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0 || response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true) return null;
        return JsonNode.Parse(text);
    }

    /// <summary>An OperationOutcome with at least one issue of <paramref name="code"/> (R4: severity and code 1..1).</summary>
    public static JsonNode AssertOutcome(JsonNode? body, string code)
    {
        Assert.NotNull(body);
        Assert.Equal("OperationOutcome", (string?)body["resourceType"]);
        var issues = body["issue"]!.AsArray();
        Assert.NotEmpty(issues);
        Assert.All(issues, i => Assert.NotNull((string?)i!["severity"]));
        Assert.Contains(issues, i => (string?)i!["code"] == code);
        return issues[0]!;
    }

    /// <summary>R4 JSON rules (§2.6.2): no null values and no empty arrays or objects anywhere.</summary>
    public static void AssertNoNullsOrEmpties(JsonNode? node, string path = "$")
    {
        switch (node)
        {
            case null:
                Assert.Fail($"{path} is null");
                break;
            case JsonArray array:
                Assert.True(array.Count > 0, $"{path} is an empty array");
                for (var i = 0; i < array.Count; i++) AssertNoNullsOrEmpties(array[i], $"{path}[{i}]");
                break;
            case JsonObject obj:
                Assert.True(obj.Count > 0, $"{path} is an empty object");
                foreach (var (key, value) in obj) AssertNoNullsOrEmpties(value, $"{path}.{key}");
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                Assert.False(string.IsNullOrEmpty((string?)value), $"{path} is an empty string");
                break;
        }
    }
}
