using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Hosting;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Auth;

public sealed class BearerAuthTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Missing_wrong_malformed_and_revoked_tokens_get_401_outcomes(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var (status, body, response) = await host.Client(null).FetchAsync("/fhir/Observation?patient=abc");
        Assert.Equal(401, status);
        Http.AssertOutcome(body, "login");
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        var (wrong, wrongBody, wrongResponse) = await host.Client(ApiTokens.Generate()).FetchAsync("/fhir/Patient/abc");
        Assert.Equal(401, wrong);
        Http.AssertOutcome(wrongBody, "login");
        Assert.Contains("invalid_token", wrongResponse.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        var basic = host.Client(null);
        basic.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
        Assert.Equal(401, (await basic.FetchAsync("/fhir/Patient/abc")).Status);
        Assert.Equal(401, (await host.Client("x y\tz").FetchAsync("/api/unmatched")).Status);

        var token = await ApiTestHost.AddClientAsync(host.Hub, "clinic-1-old", TestHub.Clinic, ApiScopes.Default);
        Assert.Equal(200, (await host.Client(token).FetchAsync("/fhir/Patient?family=X")).Status);
        Assert.True(await host.Hub.Store.RevokeApiClientAsync("clinic-1-old", DateTimeOffset.UtcNow));
        Assert.Equal(401, (await host.Client(token).FetchAsync("/fhir/Patient?family=X")).Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Metadata_is_public_and_describes_bearer_security(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var (status, cs, _) = await host.Client(null).FetchAsync("/fhir/metadata");
        Assert.Equal(200, status);
        Assert.Equal("CapabilityStatement", (string?)cs!["resourceType"]);
        Assert.Equal("4.0.1", (string?)cs["fhirVersion"]);
        Assert.Equal("instance", (string?)cs["kind"]);
        Assert.NotNull((string?)cs["date"]);
        var resources = cs["rest"]![0]!["resource"]!.AsArray().Select(r => (string?)r!["type"]).ToList();
        Assert.Equal(["Patient", "ServiceRequest", "Specimen", "Observation", "DiagnosticReport", "Location", "DocumentReference", "Task", "SupplyDelivery"], resources);
        Http.AssertNoNullsOrEmpties(cs);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Missing_scope_is_403_forbidden(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var client = host.Client(host.PatientOnlyToken);
        Assert.Equal(200, (await client.FetchAsync("/fhir/Patient?family=X")).Status);
        var (status, body, _) = await client.FetchAsync("/fhir/Observation?patient=abc");
        Assert.Equal(403, status);
        Http.AssertOutcome(body, "forbidden");
        Assert.Equal(403, (await client.PostJsonAsync("/api/referrals", "{}")).Status);
        Assert.Equal(403, (await host.Client(host.OtherClinicToken).FetchAsync("/api/audit")).Status); // no audit.read
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Unknown_routes_and_methods_under_fhir_are_outcomes(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var client = host.Client(host.ClinicToken);
        var (unknown, body, _) = await client.FetchAsync("/fhir/Practitioner/1");
        Assert.Equal(404, unknown);
        Http.AssertOutcome(body, "not-supported");
        var delete = await client.DeleteAsync(new Uri("/fhir/Patient/1", UriKind.Relative));
        Assert.Equal(405, (int)delete.StatusCode);
    }

    [Fact]
    public void Tokens_are_random_prefixed_and_stored_only_as_sha256()
    {
        var a = ApiTokens.Generate();
        var b = ApiTokens.Generate();
        Assert.NotEqual(a, b);
        Assert.StartsWith(ApiTokens.Prefix, a, StringComparison.Ordinal);
        Assert.Equal(4 + 43, a.Length);
        var hash = ApiTokens.Hash(a);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.DoesNotContain(a[4..], hash, StringComparison.Ordinal);
        Assert.True(ApiTokens.Matches(a, hash));
        Assert.False(ApiTokens.Matches(b, hash));
        Assert.False(ApiTokens.Matches(a, "abc"));
        // SHA-256("abc") — FIPS 180-2 test vector.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiTokens.Hash("abc"));
    }

    [Fact]
    public void Cli_scope_parsing_and_default_ids()
    {
        Assert.Equal(ApiScopes.Default, ClientsCommand.ParseScopes(null));
        Assert.Equal(["system/*.read", "audit.read"], ClientsCommand.ParseScopes(["system/*.read,audit.read"]));
        Assert.Equal(["system/Observation.read"], ClientsCommand.ParseScopes(["system/Observation.read"]));
        Assert.Throws<ArgumentException>(() => ClientsCommand.ParseScopes(["admin"]));
        Assert.Throws<ArgumentException>(() => ClientsCommand.ParseScopes(["system/Foo.read"]));
        Assert.Equal("tomsk-okb-mis-bars-2", ClientsCommand.DefaultId("tomsk-okb", "MIS Bars 2"));
    }
}
