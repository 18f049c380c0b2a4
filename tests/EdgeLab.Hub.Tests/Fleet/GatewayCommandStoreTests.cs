using Dapper;
using EdgeLab.Contract;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Fleet;

/// <summary>Commands from the hub: correlation, timeout on the injected clock, audit (issue 12 §5), on both databases.</summary>
public sealed class GatewayCommandStoreTests
{
    [Theory]
    [MemberData(nameof(TestHub.Providers), MemberType = typeof(TestHub))]
    public async Task A_reply_completes_only_its_own_command_of_its_own_gateway(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        await hub.Store.UpsertGatewayAsync("lab-1-gw02", TestHub.Lab);
        var store = new GatewayCommandStore(hub.Database, hub.Time);
        var ping = await store.RequestAsync(TestHub.Gateway, CommandNames.Ping, new Dictionary<string, string>(), null, "it-admin");
        var logs = await store.RequestAsync(TestHub.Gateway, CommandNames.FetchLogs, new Dictionary<string, string> { ["lines"] = "50" }, null, "it-admin");
        Assert.Equal([ping.Id, logs.Id], (await store.ListPendingAsync(TestHub.Gateway)).Select(c => c.Id));
        await store.MarkSentAsync(ping.Id);

        var pong = new CommandReplyMessage { GatewayId = TestHub.Gateway, Name = CommandNames.Ping, Ok = true, Text = "pong", Data = new Dictionary<string, string> { ["version"] = "1.2" } };
        // Another gateway cannot answer it (the topic names the sender).
        Assert.False(await store.CompleteAsync(ping.Id, "lab-1-gw02", pong));
        Assert.True(await store.CompleteAsync(ping.Id, TestHub.Gateway, pong));
        Assert.False(await store.CompleteAsync(ping.Id, TestHub.Gateway, pong)); // a duplicate (QoS 1 redelivery) changes nothing

        var done = (await store.GetAsync(ping.Id))!;
        Assert.Equal(CommandState.Ok, done.State);
        Assert.Equal("pong", done.ReplyText);
        Assert.Equal("1.2", done.ReplyData!["version"]);
        Assert.Equal(CommandState.Pending, (await store.GetAsync(logs.Id))!.State);

        await using var c = await hub.Database.OpenAsync();
        Assert.Equal(1, await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM audit_entry WHERE action = 'command' AND client_id = 'it-admin' AND query = 'ping {ping.Id}'"));
        Assert.Equal(1, await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM audit_entry WHERE action = 'command-result' AND query = 'ping {ping.Id} ok' AND client_id = 'mqtt:{TestHub.Gateway}'"));
    }

    [Theory]
    [MemberData(nameof(TestHub.Providers), MemberType = typeof(TestHub))]
    public async Task A_command_without_a_reply_times_out_on_the_clock_and_a_late_reply_changes_nothing(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var store = new GatewayCommandStore(hub.Database, hub.Time);
        var restart = await store.RequestAsync(TestHub.Gateway, CommandNames.Restart, new Dictionary<string, string>(), TimeSpan.FromSeconds(10), "it-admin");
        await store.MarkSentAsync(restart.Id);

        hub.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(await store.ExpireAsync());
        hub.Time.Advance(TimeSpan.FromSeconds(1));
        var expired = Assert.Single(await store.ExpireAsync());
        Assert.Equal(restart.Id, expired.Id);
        Assert.Equal(CommandState.TimedOut, (await store.GetAsync(restart.Id))!.State);
        Assert.Empty(await store.ExpireAsync());

        Assert.False(await store.CompleteAsync(restart.Id, TestHub.Gateway, new CommandReplyMessage { GatewayId = TestHub.Gateway, Name = CommandNames.Restart, Ok = true }));
        Assert.Equal(CommandState.TimedOut, (await store.GetAsync(restart.Id))!.State);
        await using var c = await hub.Database.OpenAsync();
        Assert.Equal(1, await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM audit_entry WHERE action = 'command-result' AND query = 'restart {restart.Id} timed-out' AND status_code = 504"));
    }

    [Theory]
    [MemberData(nameof(TestHub.Providers), MemberType = typeof(TestHub))]
    public async Task Unknown_commands_gateways_and_timeouts_are_refused_with_the_reason(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var store = new GatewayCommandStore(hub.Database, hub.Time);
        var none = new Dictionary<string, string>();
        Assert.Contains("is not one of", (await Assert.ThrowsAsync<StoreValidationException>(() => store.RequestAsync(TestHub.Gateway, "format-disk", none, null, "x"))).Message);
        Assert.Contains("not registered", (await Assert.ThrowsAsync<StoreValidationException>(() => store.RequestAsync("nope-gw", CommandNames.Ping, none, null, "x"))).Message);
        Assert.Contains("timeout", (await Assert.ThrowsAsync<StoreValidationException>(() => store.RequestAsync(TestHub.Gateway, CommandNames.Ping, none, TimeSpan.FromHours(2), "x"))).Message);
    }
}
