using System.Diagnostics;
using Dapper;
using EdgeLab.Hub.Grains;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Ingest;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using Xunit.Abstractions;

namespace EdgeLab.Hub.Tests.Grains;

/// <summary>
/// One real <c>edgelab-hub</c> process on SQLite (a cluster of one) is SIGKILLed while it holds a gateway's order
/// stream claim, and started again. The new process must see that the claim's owner is its own earlier incarnation
/// (its process is gone) and take the stream at once, not wait out the claim (30 s) — membership cannot vouch for a
/// silo of the previous cluster of one.
/// </summary>
public sealed class SingleNodeRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_restarted_single_sqlite_node_takes_its_crashed_incarnations_order_stream_at_once()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync("sqlite");
        await using var gateway = await GatewayPeer.ConnectAsync(TestHub.Gateway, broker);

        var first = TwoHubNodesTests.StartNode(hub, broker, "first");
        string owner;
        try
        {
            await TwoHubNodesTests.WaitForSubscribedAsync(first);
            var warmUp = (await hub.RegisterAsync(["WBC"])).Specimens.Single().Id;
            await Eventually.TrueAsync(() => Task.FromResult(gateway.Orders.Any(o => o.SpecimenId == warmUp)), "warm-up order delivered", Timeout);
            owner = await hub.Store.GetOrderStreamOwnerAsync(TestHub.Gateway) ?? throw new InvalidOperationException("no claim after delivery");
            first.Signal(PosixSignals.SIGKILL);
            await Eventually.TrueAsync(() => Task.FromResult(first.HasExited), "first node killed", Timeout);
        }
        finally
        {
            await first.DisposeAsync();
        }
        // The worst case: the crashed node had just renewed its claim, which now holds for its whole duration.
        var claimExpiresAt = DateTimeOffset.UtcNow + OrderStream.ClaimDuration;
        await using (var c = await hub.Database.OpenAsync())
            await c.ExecuteAsync("UPDATE order_stream_claim SET expires_at = @until WHERE gateway_id = @g",
                new { until = claimExpiresAt.ToUnixTimeMilliseconds(), g = TestHub.Gateway });

        // Orders written while no node runs: an upsert and a cancel per referral, in that sequence.
        var specimens = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var registered = await hub.RegisterAsync(["WBC"]);
            specimens.Add(registered.Specimens.Single().Id);
            await hub.Store.CancelReferralAsync(AccessScope.Region, registered.Referral.Id);
        }

        await using var second = TwoHubNodesTests.StartNode(hub, broker, "second");
        var clock = Stopwatch.StartNew();
        await TwoHubNodesTests.WaitForSubscribedAsync(second);
        var subscribed = clock.Elapsed;
        await Eventually.TrueAsync(() => Task.FromResult(specimens.All(s => gateway.Orders.Any(o => o.SpecimenId == s && o.Action == "cancel"))),
            "every pending order delivered by the restarted node", Timeout);
        var delivered = clock.Elapsed;
        var claimLeft = claimExpiresAt - DateTimeOffset.UtcNow;
        output.WriteLine($"restarted node started → subscribed {subscribed.TotalMilliseconds:F0} ms → last order at the gateway {delivered.TotalMilliseconds:F0} ms (the crashed claim had {claimLeft.TotalSeconds:F1} s left)");

        var expected = specimens.SelectMany(s => new[] { (s, "upsert"), (s, "cancel") }).ToList();
        var received = gateway.Orders.Where(o => specimens.Contains(o.SpecimenId)).Select(o => (o.SpecimenId, o.Action)).ToList();
        Assert.Equal(expected, received.Distinct().ToList());
        Assert.NotEqual(owner, await hub.Store.GetOrderStreamOwnerAsync(TestHub.Gateway));
        Assert.True(claimLeft > TimeSpan.FromSeconds(5), $"the restarted node waited for its crashed incarnation's claim ({delivered} after start)");
    }
}
