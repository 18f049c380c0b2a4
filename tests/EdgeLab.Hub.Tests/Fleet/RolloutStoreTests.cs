using System.Text.Json.Nodes;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Hub.Store.Fleet.Rollouts;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Fleet;

/// <summary>
/// The rollout's rows on both databases (migration 0110): a wave pins the new document on its gateways only, a pin
/// outlives other edits of the layer, a rollback republishes the previous document as a higher version, and completion
/// stores the layer while a rolled-back gateway keeps the previous document.
/// </summary>
public sealed class RolloutStoreTests
{
    private const string Other = "lab-1-gw02";
    private static readonly ConfigScope LabScope = new(ConfigScopeKind.Lab, TestHub.Lab);

    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_wave_pins_the_change_on_its_gateways_a_rollback_restores_the_previous_document_and_completion_keeps_it_on_the_failed_one(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        await hub.Store.UpsertGatewayAsync(Other, TestHub.Lab);
        var configs = new FleetConfigStore(hub.Database, hub.Time);
        var store = new RolloutStore(hub.Database, hub.Time);
        await configs.SetLayerAsync(LabScope, """{"timeZone":"Asia/Tomsk"}""", "it-admin");
        var rollout = await store.StartAsync(new ConfigLayerPayload(LabScope, JsonNode.Parse("""{"timeZone":"Asia/Novosibirsk"}""")!.AsObject()),
            new RolloutPlan { Waves = [new RolloutWave(50, null), new RolloutWave(100, null)] }, "it-admin");
        Assert.Equal([TestHub.Gateway, Other], rollout.InitialTarget);

        var first = await store.StartWaveAsync(rollout.Id, 0, [new WaveMember(TestHub.Gateway, ["xn-1"], 0, 0)]);
        Assert.Equal(TestHub.Gateway, Assert.Single(first!).GatewayId);
        Assert.Null(await store.StartWaveAsync(rollout.Id, 0, [])); // a second activation repeating the step: no-op
        Assert.Equal("Asia/Novosibirsk", (await configs.GetStateAsync(TestHub.Gateway))!.Document!["timeZone"]!.GetValue<string>());
        Assert.Equal("Asia/Tomsk", (await configs.GetStateAsync(Other))!.Document!["timeZone"]!.GetValue<string>());
        Assert.Contains($"lab:{TestHub.Lab}@rollout:{rollout.Id}", (await configs.GetStateAsync(TestHub.Gateway))!.Layers);

        // Another edit of the layer meanwhile reaches the unpinned gateway only.
        await configs.SetLayerAsync(LabScope, """{"timeZone":"Asia/Omsk"}""", "it-admin");
        Assert.Equal("Asia/Novosibirsk", (await configs.GetStateAsync(TestHub.Gateway))!.Document!["timeZone"]!.GetValue<string>());
        Assert.Equal("Asia/Omsk", (await configs.GetStateAsync(Other))!.Document!["timeZone"]!.GetValue<string>());

        await store.UpdateGatewayAsync(rollout.Id, TestHub.Gateway, RolloutGatewayState.Applying, RolloutGatewayState.Failed, null, null, "instrument link(s) xn-1 down");
        var back = Assert.Single(await store.RollBackAsync(rollout.Id, [TestHub.Gateway], "failed its health check", null));
        Assert.True(back.Version > first![0].Version);
        Assert.Equal("Asia/Omsk", (await configs.GetStateAsync(TestHub.Gateway))!.Document!["timeZone"]!.GetValue<string>());

        await store.StartWaveAsync(rollout.Id, 1, [new WaveMember(Other, [], null, 0)]);
        await store.UpdateGatewayAsync(rollout.Id, Other, RolloutGatewayState.Applying, RolloutGatewayState.Healthy, hub.Time.GetUtcNow(), hub.Time.GetUtcNow(), "healthy");
        await store.CompleteAsync(rollout.Id);

        var done = (await store.GetAsync(rollout.Id))!;
        Assert.Equal(RolloutState.Completed, done.State);
        Assert.Equal("instrument link(s) xn-1 down", done.Gateways.Single(g => g.GatewayId == TestHub.Gateway).Reason);
        Assert.Equal(RolloutGatewayState.RolledBack, done.Gateways.Single(g => g.GatewayId == TestHub.Gateway).State);
        Assert.Equal("Asia/Novosibirsk", (await configs.GetLayerAsync(LabScope))!.Document["timeZone"]!.GetValue<string>());
        Assert.Equal("Asia/Novosibirsk", (await configs.GetStateAsync(Other))!.Document!["timeZone"]!.GetValue<string>());
        // The failed gateway never gets the change it failed on through the completed layer.
        Assert.Equal("Asia/Omsk", (await configs.GetStateAsync(TestHub.Gateway))!.Document!["timeZone"]!.GetValue<string>());
        Assert.DoesNotContain(await store.ListRunningAsync(), id => id == rollout.Id);
        Assert.Equal(["start", "wave-start", "gateway-failed", "gateway-rolled-back", "wave-start", "gateway-healthy", "complete"], done.History.Select(h => h.Action));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bad_plans_and_a_second_rollout_of_the_same_layer_are_refused_saying_what(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var store = new RolloutStore(hub.Database, hub.Time);
        var change = new ConfigLayerPayload(LabScope, new JsonObject { ["timeZone"] = "Asia/Tomsk" });

        Assert.Contains("percentages are cumulative", Assert.Throws<StoreValidationException>(() =>
            new RolloutPlan { Waves = [new RolloutWave(50, null), new RolloutWave(20, null)] }.Validated()).Message, StringComparison.Ordinal);
        Assert.Contains("wave 2 '150%'", Assert.Throws<StoreValidationException>(() => RolloutWave.Parse("150%", 1)).Message, StringComparison.Ordinal);
        Assert.Contains("no enabled gateway is in lab:lab-2", (await Assert.ThrowsAsync<StoreValidationException>(() =>
            store.StartAsync(change with { Scope = new ConfigScope(ConfigScopeKind.Lab, "lab-2") }, new RolloutPlan { Waves = [new RolloutWave(100, null)] }, "it-admin"))).Message, StringComparison.Ordinal);
        Assert.Contains("'gatewayId' is set by the hub", (await Assert.ThrowsAsync<StoreValidationException>(() =>
            store.StartAsync(change with { Document = new JsonObject { ["gatewayId"] = "x" } }, new RolloutPlan { Waves = [new RolloutWave(100, null)] }, "it-admin"))).Message, StringComparison.Ordinal);

        var first = await store.StartAsync(change, new RolloutPlan { Waves = [new RolloutWave(100, null)] }, "it-admin");
        Assert.Contains($"already has rollout {first.Id}", (await Assert.ThrowsAsync<StoreValidationException>(() =>
            store.StartAsync(change, new RolloutPlan { Waves = [new RolloutWave(100, null)] }, "it-admin"))).Message, StringComparison.Ordinal);
        Assert.Contains("resume applies to a paused rollout", (await Assert.ThrowsAsync<StoreValidationException>(() =>
            store.ActAsync(first.Id, RolloutAction.Resume, "it-admin"))).Message, StringComparison.Ordinal);
    }
}
