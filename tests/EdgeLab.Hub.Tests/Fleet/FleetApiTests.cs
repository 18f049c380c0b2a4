using System.Text;
using System.Text.Json.Nodes;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Fleet;

/// <summary>Issue 12 §2, §5 over the JSON API: layers, desired vs reported, commands; scope <c>gateways.admin</c>; audited.</summary>
public sealed class FleetApiTests
{
    [Theory]
    [MemberData(nameof(TestHub.Providers), MemberType = typeof(TestHub))]
    public async Task Regional_it_sets_a_layer_sees_drift_and_sends_a_command_others_get_403(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var it = host.Client(await ApiTestHost.AddClientAsync(host.Hub, "regional-it", ApiTestHost.RegionOffice, [ApiScopes.GatewaysAdmin]));

        var (status, body) = await PutAsync(it, "/api/config/layers/lab/lab-1", """{"management":{"heartbeatSeconds":45}}""");
        Assert.Equal(200, status);
        Assert.Equal(1, (long?)body!["newVersions"]![0]!["version"]);
        var (bad, badBody) = await PutAsync(it, "/api/config/layers/lab/lab-1", """{"gatewayId":"x"}""");
        Assert.Equal(422, bad);
        Assert.Contains("set by the hub", badBody!.ToJsonString());

        var (ok, config, _) = await it.FetchAsync($"/api/gateways/{TestHub.Gateway}/config");
        Assert.Equal(200, ok);
        Assert.Equal(1, (long?)config!["desiredVersion"]);
        Assert.True((bool?)config["drift"]);
        Assert.Equal(45, (int?)config["document"]!["management"]!["heartbeatSeconds"]);

        var (_, list, _) = await it.FetchAsync("/api/gateways");
        var row = list!["items"]!.AsArray().Single(i => (string?)i!["id"] == TestHub.Gateway)!;
        Assert.Equal(1, (long?)row["desiredConfigVersion"]);
        Assert.True((bool?)row["configDrift"]);

        var (accepted, command, _) = await it.PostJsonAsync($"/api/gateways/{TestHub.Gateway}/commands", """{"name":"fetch-logs","args":{"lines":"100"},"timeoutSeconds":20}""");
        Assert.Equal(202, accepted);
        Assert.Equal("pending", (string?)command!["state"]);
        var (read, again, _) = await it.FetchAsync($"/api/gateways/{TestHub.Gateway}/commands/{(string?)command["id"]}");
        Assert.Equal(200, read);
        Assert.Equal("fetch-logs", (string?)again!["name"]);
        Assert.Equal(422, (await it.PostJsonAsync($"/api/gateways/{TestHub.Gateway}/commands", """{"name":"format-disk"}""")).Status);

        var emr = host.Client(host.ClinicToken);
        Assert.Equal(403, (await emr.FetchAsync($"/api/gateways/{TestHub.Gateway}/config")).Status);
        Assert.Equal(403, (await emr.PostJsonAsync($"/api/gateways/{TestHub.Gateway}/commands", """{"name":"restart"}""")).Status);

        var audit = (await host.Hub.Store.QueryAuditAsync(new AuditQuery { OrganizationId = TestHub.Lab })).Items.Select(e => (e.Action, e.ClientId)).ToList();
        Assert.Contains(("config-set", "regional-it"), audit);
        Assert.Contains(("command", "regional-it"), audit);
    }

    private static async Task<(int Status, JsonNode? Body)> PutAsync(HttpClient client, string url, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await client.PutAsync(new Uri(url, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
