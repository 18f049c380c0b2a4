using System.Globalization;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Store.Fleet.Rollouts;

namespace EdgeLab.Hub.Fleet.Rollouts;

/// <summary>A gateway's next step in a rollout: its new state and why (null when nothing changes).</summary>
internal sealed record GatewayVerdict(RolloutGatewayState State, string? Reason, DateTimeOffset? ReportedAt = null, DateTimeOffset? WatchUntil = null);

/// <summary>
/// The lab's health as a rollout's success criterion (issue 12 §3) — what hawkBit, Mender and AWS IoT Jobs do not look
/// at. Pure: from the gateway's baseline, what it reports now (retained status: config version, online, instruments'
/// link state, outbox depth and oldest unsent age) and its events since the baseline (quarantined messages, the
/// configuration refused or rolled back by the gateway itself). A gateway succeeds when it reports the new version with
/// every instrument that was up before up again, then stays healthy for the watch period.
/// </summary>
internal static class GatewayHealth
{
    public static GatewayVerdict? Evaluate(RolloutGateway gateway, GatewayObservation seen, RolloutPlan plan, DateTimeOffset now)
    {
        if (gateway.DesiredVersion is not { } desired) return new GatewayVerdict(RolloutGatewayState.Healthy, "its document was already the new one");
        if (seen.RejectedSinceBaseline.Where(r => r.Version == desired).Select(r => r.Text).FirstOrDefault() is { } refused)
            return new GatewayVerdict(RolloutGatewayState.Failed, $"the gateway refused version {desired}: {refused}");
        var status = Parse(seen.StatusJson);
        var problem = Problem(gateway, seen, status, desired, plan);
        switch (gateway.State)
        {
            case RolloutGatewayState.Applying:
                if (problem is null)
                {
                    var until = now + TimeSpan.FromSeconds(plan.WatchSeconds);
                    return plan.WatchSeconds == 0
                        ? new GatewayVerdict(RolloutGatewayState.Healthy, $"reports version {desired}, healthy", now, now)
                        : new GatewayVerdict(RolloutGatewayState.Watching, $"reports version {desired}, healthy; watched until {until:O}", now, until);
                }
                // Links come back after the gateway swapped its instrument pipelines; it has until the report timeout.
                return now - gateway.StartedAt >= TimeSpan.FromSeconds(plan.ReportTimeoutSeconds)
                    ? new GatewayVerdict(RolloutGatewayState.Failed, $"not healthy on version {desired} within {plan.ReportTimeoutSeconds} s: {problem}")
                    : null;
            case RolloutGatewayState.Watching:
                if (problem is not null) return new GatewayVerdict(RolloutGatewayState.Failed, $"unhealthy during the watch period: {problem}");
                return gateway.WatchUntil is { } end && now >= end ? new GatewayVerdict(RolloutGatewayState.Healthy, $"healthy through the watch period ({plan.WatchSeconds} s)") : null;
            default:
                return null;
        }
    }

    /// <summary>What is wrong now, or null when the gateway runs <paramref name="desired"/> and the lab is as healthy as before.</summary>
    private static string? Problem(RolloutGateway gateway, GatewayObservation seen, StatusMessage? status, long desired, RolloutPlan plan)
    {
        if (seen.QuarantinedSinceBaseline > 0) return $"{seen.QuarantinedSinceBaseline} message(s) quarantined since the change";
        if (status is null) return "no status reported";
        if (seen.Online == false || !status.Online) return "offline";
        if (status.ConfigVersion != desired) return $"reports configuration version {status.ConfigVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"}, not {desired}";
        var down = gateway.BaselineLinksUp.Where(i => !status.Instruments.Any(s => s.InstrumentId == i && s.State == "up")).ToList();
        if (down.Count > 0) return $"instrument link(s) {string.Join(", ", down)} down (up before the change)";
        // Outbox draining: not older than the limit, unless it is no deeper than before the change (a slow uplink that
        // was already behind is not this change's fault).
        if (status.OldestUnsentAgeSeconds is { } age && age > plan.OutboxAgeLimitSeconds && (status.OutboxDepth ?? 0) > (gateway.BaselineOutboxDepth ?? 0))
            return $"outbox not draining: {status.OutboxDepth} unsent, the oldest {age:0} s old (limit {plan.OutboxAgeLimitSeconds} s)";
        return null;
    }

    /// <summary>The baseline a new wave records: instruments whose link is up and the outbox depth, from the last status.</summary>
    public static (IReadOnlyList<string> LinksUp, long? OutboxDepth) Baseline(string? statusJson)
    {
        if (Parse(statusJson) is not { } status) return ([], null);
        return (status.Instruments.Where(i => i.State == "up").Select(i => i.InstrumentId).Order(StringComparer.Ordinal).ToList(), status.OutboxDepth);
    }

    private static StatusMessage? Parse(string? json)
    {
        if (json is null) return null;
        try
        {
            return JsonSerializer.Deserialize(json, WireJson.Default.StatusMessage);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
