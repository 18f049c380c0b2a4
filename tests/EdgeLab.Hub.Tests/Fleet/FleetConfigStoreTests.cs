using Dapper;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Fleet;

/// <summary>Desired configuration versions, drift and audit on both databases (issue 12 §2).</summary>
public sealed class FleetConfigStoreTests
{
    [Theory]
    [MemberData(nameof(TestHub.Providers), MemberType = typeof(TestHub))]
    public async Task A_layer_change_gives_each_gateway_it_touches_a_new_version_once_and_drift_shows_until_reported(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        await hub.Store.UpsertGatewayAsync("lab-1-gw02", TestHub.Lab);
        var store = new FleetConfigStore(hub.Database, hub.Time);

        var lab = await store.SetLayerAsync(new ConfigScope(ConfigScopeKind.Lab, TestHub.Lab), """{"management":{"heartbeatSeconds":45}}""", "it-admin");
        Assert.Equal([new DesiredVersion(TestHub.Gateway, 1), new DesiredVersion("lab-1-gw02", 1)], lab.NewVersions.OrderBy(v => v.GatewayId));

        // The same document again: no revision, no version.
        Assert.False((await store.SetLayerAsync(new ConfigScope(ConfigScopeKind.Lab, TestHub.Lab), """{ "management": { "heartbeatSeconds": 45 } }""", "it-admin")).Changed);

        // A gateway's own layer touches that gateway only, and wins over the lab's.
        var own = await store.SetLayerAsync(ConfigScope.Gateway(TestHub.Gateway), """{"management":{"heartbeatSeconds":20}}""", "it-admin");
        Assert.Equal([new DesiredVersion(TestHub.Gateway, 2)], own.NewVersions);
        var state = (await store.GetStateAsync(TestHub.Gateway))!;
        Assert.Equal(2, state.DesiredVersion);
        Assert.Equal("""{"gatewayId":"lab-1-gw01","management":{"heartbeatSeconds":20}}""", ConfigLayers.Canonical(state.Document!));
        Assert.Equal(["lab:lab-1#1", "gateway:lab-1-gw01#1"], state.Layers);
        Assert.True(state.Drift);
        Assert.Equal([TestHub.Gateway, "lab-1-gw02"], await store.ListUnpublishedAsync());

        // The gateway reports version 2 in force (its retained status): in sync.
        await SetReportedAsync(hub, TestHub.Gateway, 2);
        Assert.False((await store.GetStateAsync(TestHub.Gateway))!.Drift);

        await using var c = await hub.Database.OpenAsync();
        Assert.Equal(2, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_entry WHERE action = 'config-set' AND resource_type = 'ConfigLayer' AND client_id = 'it-admin'"));
        Assert.Equal(2, await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM audit_entry WHERE action = 'config-desired' AND resource_id = '{TestHub.Gateway}'"));
    }

    [Theory]
    [MemberData(nameof(TestHub.Providers), MemberType = typeof(TestHub))]
    public async Task A_new_version_is_above_what_the_gateway_reports_so_the_gateway_does_not_ignore_it(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var store = new FleetConfigStore(hub.Database, hub.Time);
        // Its own file says version 7 (edited on the box before the hub managed it).
        await SetReportedAsync(hub, TestHub.Gateway, 7);
        var change = await store.SetLayerAsync(new ConfigScope(ConfigScopeKind.Facility, "ОКБ Томск"), """{"timeZone":"Asia/Tomsk"}""", "it-admin");
        Assert.Empty(change.NewVersions); // the gateway has no facility yet
        await store.SetLayerAsync(new ConfigScope(ConfigScopeKind.Label, "rural"), """{"timeZone":"Asia/Novosibirsk"}""", "it-admin");
        var v = await store.SetGroupsAsync(TestHub.Gateway, new GatewayGroups("rpi4", ["rural"]), "it-admin");
        Assert.Equal(new DesiredVersion(TestHub.Gateway, 8), v);
        Assert.Equal(8, (await store.GetLatestAsync(TestHub.Gateway))!.Value.Version);
        await store.MarkPublishedAsync(TestHub.Gateway, 8);
        await store.MarkPublishedAsync(TestHub.Gateway, 3); // never backwards
        Assert.Equal(8, (await store.GetStateAsync(TestHub.Gateway))!.PublishedVersion);
        Assert.Empty(await store.ListUnpublishedAsync());
    }

    internal static async Task SetReportedAsync(TestHub hub, string gatewayId, long version)
    {
        await using var c = await hub.Database.OpenAsync();
        await c.ExecuteAsync("UPDATE gateway SET last_status_json = @json, online = 1, last_status_at = 1 WHERE id = @id",
            new { id = gatewayId, json = $$"""{"schema":"edgelab.status/1","gatewayId":"{{gatewayId}}","online":true,"configVersion":{{version}}}""" });
    }
}
