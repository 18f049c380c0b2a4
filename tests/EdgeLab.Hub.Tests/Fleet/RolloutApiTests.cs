using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Fleet;

/// <summary>Issue 12 §3 over the JSON API: start, list with per-wave progress, show, pause/resume/abort; scope <c>gateways.admin</c>; audited.</summary>
public sealed class RolloutApiTests
{
    [Theory]
    [MemberData(nameof(TestHub.Providers), MemberType = typeof(TestHub))]
    public async Task Regional_it_starts_pauses_resumes_and_aborts_a_rollout_and_sees_its_waves_others_get_403(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var it = host.Client(await ApiTestHost.AddClientAsync(host.Hub, "regional-it", ApiTestHost.RegionOffice, [ApiScopes.GatewaysAdmin]));

        var (bad, badBody, _) = await it.PostJsonAsync("/api/rollouts", """{"scope":"lab:lab-1","document":{"timeZone":"Asia/Tomsk"},"waves":["50%","20%"]}""");
        Assert.Equal(422, bad);
        Assert.Contains("percentages are cumulative", badBody!.ToJsonString(), StringComparison.Ordinal);

        var (created, rollout, _) = await it.PostJsonAsync("/api/rollouts",
            """{"scope":"lab:lab-1","document":{"timeZone":"Asia/Tomsk"},"waves":["50%","100%"],"watchSeconds":120,"errorThreshold":0.25}""");
        Assert.Equal(201, created);
        var id = (string)rollout!["id"]!;
        Assert.Equal("running", (string?)rollout["state"]);
        Assert.Equal(["50%", "100%"], rollout["plan"]!["waves"]!.AsArray().Select(w => (string)w!));
        Assert.Equal(0.25, (double?)rollout["plan"]!["errorThreshold"]);
        Assert.Equal("Asia/Tomsk", (string?)rollout["document"]!["timeZone"]);

        var (_, list, _) = await it.FetchAsync("/api/rollouts");
        var row = list!["items"]!.AsArray().Single()!;
        Assert.Equal(id, (string?)row["id"]);
        Assert.Equal(2, row["waves"]!.AsArray().Count);
        Assert.Equal("50%", (string?)row["waves"]![0]!["spec"]);

        Assert.Equal(200, (await it.PostJsonAsync($"/api/rollouts/{id}/pause", "{}")).Status);
        var (again, conflict, _) = await it.PostJsonAsync($"/api/rollouts/{id}/pause", "{}");
        Assert.Equal(409, again);
        Assert.Contains("is paused", conflict!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(200, (await it.PostJsonAsync($"/api/rollouts/{id}/resume", "{}")).Status);
        var (aborted, abortedBody, _) = await it.PostJsonAsync($"/api/rollouts/{id}/abort", "{}");
        Assert.Equal(200, aborted);
        Assert.Equal("aborted", (string?)abortedBody!["state"]);
        Assert.Equal(["start", "pause", "resume", "abort"], abortedBody["history"]!.AsArray().Select(h => (string)h!["action"]!));
        Assert.Equal(404, (await it.FetchAsync("/api/rollouts/ro-missing")).Status);

        var emr = host.Client(host.ClinicToken);
        Assert.Equal(403, (await emr.FetchAsync("/api/rollouts")).Status);
        Assert.Equal(403, (await emr.PostJsonAsync($"/api/rollouts/{id}/abort", "{}")).Status);

        var audit = (await host.Hub.Store.QueryAuditAsync(new AuditQuery { OrganizationId = TestHub.Lab })).Items.Select(e => (e.Action, e.ClientId)).ToList();
        Assert.Contains(("rollout-start", "regional-it"), audit);
        Assert.Contains(("rollout-abort", "regional-it"), audit);
    }
}
