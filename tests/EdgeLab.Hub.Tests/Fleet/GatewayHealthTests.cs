using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Fleet.Rollouts;
using EdgeLab.Hub.Store.Fleet.Rollouts;

namespace EdgeLab.Hub.Tests.Fleet;

/// <summary>The lab's health as a rollout's success criterion (issue 12 §3), over statuses as the gateways send them.</summary>
public sealed class GatewayHealthTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);
    private static readonly RolloutPlan Plan = new() { Waves = [new RolloutWave(100, null)], WatchSeconds = 60, ReportTimeoutSeconds = 300, OutboxAgeLimitSeconds = 120 };
    private static readonly RolloutGateway Applying = new("gw", 0, RolloutGatewayState.Applying, 7, ["xn-1"], 2, 100, T0, null, null, null, null);
    private static readonly RolloutGateway Watching = Applying with { State = RolloutGatewayState.Watching, ReportedAt = T0, WatchUntil = T0.AddSeconds(60) };

    [Fact]
    public void Reporting_the_new_version_with_the_links_up_starts_the_watch_and_staying_healthy_through_it_succeeds()
    {
        var verdict = GatewayHealth.Evaluate(Applying, Seen(Status(7, "up")), Plan, T0.AddSeconds(5))!;
        Assert.Equal(RolloutGatewayState.Watching, verdict.State);
        Assert.Equal(T0.AddSeconds(65), verdict.WatchUntil);
        Assert.Null(GatewayHealth.Evaluate(Watching, Seen(Status(7, "up")), Plan, T0.AddSeconds(59)));
        Assert.Equal(RolloutGatewayState.Healthy, GatewayHealth.Evaluate(Watching, Seen(Status(7, "up")), Plan, T0.AddSeconds(60))!.State);
    }

    [Fact]
    public void A_link_that_was_up_going_down_fails_during_the_watch_but_is_waited_for_while_applying()
    {
        Assert.Null(GatewayHealth.Evaluate(Applying, Seen(Status(7, "down")), Plan, T0.AddSeconds(10)));
        var timedOut = GatewayHealth.Evaluate(Applying, Seen(Status(7, "down")), Plan, T0.AddSeconds(300))!;
        Assert.Equal(RolloutGatewayState.Failed, timedOut.State);
        Assert.Equal("not healthy on version 7 within 300 s: instrument link(s) xn-1 down (up before the change)", timedOut.Reason);
        var failed = GatewayHealth.Evaluate(Watching, Seen(Status(7, "down")), Plan, T0.AddSeconds(10))!;
        Assert.Equal("unhealthy during the watch period: instrument link(s) xn-1 down (up before the change)", failed.Reason);
        // An instrument that was not up before is not this change's fault.
        Assert.Null(GatewayHealth.Evaluate(Watching with { BaselineLinksUp = [] }, Seen(Status(7, "down")), Plan, T0.AddSeconds(10)));
    }

    [Fact]
    public void An_outbox_that_stops_draining_a_new_quarantine_an_old_version_offline_or_a_refusal_fail_the_gateway()
    {
        Assert.Equal("unhealthy during the watch period: outbox not draining: 40 unsent, the oldest 300 s old (limit 120 s)",
            GatewayHealth.Evaluate(Watching, Seen(Status(7, "up", depth: 40, oldest: 300)), Plan, T0)!.Reason);
        Assert.Null(GatewayHealth.Evaluate(Watching, Seen(Status(7, "up", depth: 2, oldest: 300)), Plan, T0)); // no deeper than before
        Assert.Equal("unhealthy during the watch period: 1 message(s) quarantined since the change",
            GatewayHealth.Evaluate(Watching, Seen(Status(7, "up")) with { QuarantinedSinceBaseline = 1 }, Plan, T0)!.Reason);
        Assert.Equal("unhealthy during the watch period: reports configuration version 6, not 7", GatewayHealth.Evaluate(Watching, Seen(Status(6, "up")), Plan, T0)!.Reason);
        Assert.Equal("unhealthy during the watch period: offline", GatewayHealth.Evaluate(Watching, Seen(Status(7, "up")) with { Online = false }, Plan, T0)!.Reason);
        Assert.Equal("the gateway refused version 7: rolled back to version 6: instrument(s) xn-1 did not come back up within 3 s",
            GatewayHealth.Evaluate(Applying, Seen(Status(6, "up")) with { RejectedSinceBaseline = [(7, "rolled back to version 6: instrument(s) xn-1 did not come back up within 3 s")] }, Plan, T0)!.Reason);
    }

    private static GatewayObservation Seen(StatusMessage status) => new("gw", JsonSerializer.Serialize(status, WireJson.Default.StatusMessage), true, 0, []);

    private static StatusMessage Status(long version, string link, long depth = 0, double? oldest = null) => new()
    {
        GatewayId = "gw",
        Online = true,
        At = T0,
        ConfigVersion = version,
        OutboxDepth = depth,
        OldestUnsentAgeSeconds = oldest,
        Instruments = [new InstrumentLinkState { InstrumentId = "xn-1", Profile = "sysmex-xn", State = link }],
    };
}
