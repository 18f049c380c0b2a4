using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Enrolment;

/// <summary>Issue 12 §1, the JSON API for regional IT: <c>GET /api/gateways</c>, <c>POST /api/gateways/{id}/accept|reject</c> with scope <c>gateways.admin</c>.</summary>
public sealed class GatewayRegistryApiTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Regional_it_lists_pending_gateways_first_with_expiry_and_accepts_or_rejects_them_others_get_403(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var registry = new GatewayEnrolmentStore(host.Hub.Database, host.Hub.Time);
        var expiry = host.Hub.Time.GetUtcNow().AddDays(397);
        await registry.EnrolAsync(new GatewayEnrolment("lab-1-gw02", TestHub.Lab, "Lab One", false, new CertificateStamp("4A01", expiry), "cli:test"));
        await registry.EnrolAsync(new GatewayEnrolment("lab-1-gw03", TestHub.Lab, "Lab One", false, new CertificateStamp("4A02", expiry), "cli:test"));
        var it = host.Client(await ApiTestHost.AddClientAsync(host.Hub, "regional-it", ApiTestHost.RegionOffice, [ApiScopes.GatewaysAdmin]));

        var (status, body, _) = await it.FetchAsync("/api/gateways");
        Assert.Equal(200, status);
        var items = body!["items"]!.AsArray();
        Assert.Equal(["lab-1-gw02", "lab-1-gw03", TestHub.Gateway], items.Select(i => (string?)i!["id"]));
        Assert.Equal("pending", (string?)items[0]!["state"]);
        Assert.Equal(expiry, (DateTimeOffset?)items[0]!["certificateNotAfter"]);

        var (accepted, acceptedBody, _) = await it.PostJsonAsync("/api/gateways/lab-1-gw02/accept", "{}");
        Assert.Equal(200, accepted);
        Assert.Equal("enabled", (string?)acceptedBody!["state"]);
        Assert.Equal(200, (await it.PostJsonAsync("/api/gateways/lab-1-gw03/reject", "{}")).Status);
        // A decision is about a pending gateway only; an unknown id is 404.
        var (again, againBody, _) = await it.PostJsonAsync("/api/gateways/lab-1-gw02/reject", "{}");
        Assert.Equal(422, again);
        Http.AssertOutcome(againBody, "business-rule");
        Assert.Equal(404, (await it.PostJsonAsync("/api/gateways/no-such-gw/accept", "{}")).Status);

        // An EMR's token (no gateways.admin) neither lists nor decides.
        var emr = host.Client(host.ClinicToken);
        Assert.Equal(403, (await emr.FetchAsync("/api/gateways")).Status);
        Assert.Equal(403, (await emr.PostJsonAsync("/api/gateways/lab-1-gw03/accept", "{}")).Status);

        var audit = (await host.Hub.Store.QueryAuditAsync(new AuditQuery { OrganizationId = TestHub.Lab })).Items
            .Where(e => e.ResourceType == "Gateway").Select(e => (e.ResourceId, e.Action, e.ClientId)).ToList();
        Assert.Contains(("lab-1-gw02", "accept", "regional-it"), audit);
        Assert.Contains(("lab-1-gw03", "reject", "regional-it"), audit);
    }
}
