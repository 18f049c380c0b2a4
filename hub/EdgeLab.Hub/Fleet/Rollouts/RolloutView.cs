using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Store.Fleet.Rollouts;

namespace EdgeLab.Hub.Fleet.Rollouts;

/// <summary>
/// A rollout as the API, the command line and a fleet page show it: its plan, where it stands, per-wave progress
/// (how many gateways applying, watching, healthy, failed, rolled back), and — in detail — each gateway and the history.
/// </summary>
internal sealed record RolloutItem
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    /// <summary>The layer changed and the target, e.g. <c>lab:lab-1</c>.</summary>
    public required string Scope { get; init; }
    /// <summary><c>running</c>, <c>paused</c>, <c>completed</c>, <c>stopped</c> or <c>aborted</c>.</summary>
    public required string State { get; init; }
    public string? Reason { get; init; }
    /// <summary>The wave in progress or last run, 1-based; 0 before the first starts.</summary>
    public int CurrentWave { get; init; }
    public required PlanItem Plan { get; init; }
    public required IReadOnlyList<WaveItem> Waves { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public JsonObject? Document { get; init; }
    public IReadOnlyList<RolloutGatewayItem>? Gateways { get; init; }
    public IReadOnlyList<HistoryItem>? History { get; init; }

    public static RolloutItem From(Rollout r, bool detail) => new()
    {
        Id = r.Id,
        Kind = r.Payload.Kind,
        Scope = r.Payload.Target.ToString(),
        State = StoreEncoding.Enum(r.State),
        Reason = r.Reason,
        CurrentWave = r.Wave + 1,
        Plan = new PlanItem
        {
            Waves = r.Plan.Waves.Select(w => w.ToString()).ToList(),
            WatchSeconds = r.Plan.WatchSeconds,
            ReportTimeoutSeconds = r.Plan.ReportTimeoutSeconds,
            SuccessThreshold = r.Plan.SuccessThreshold,
            ErrorThreshold = r.Plan.ErrorThreshold,
            OutboxAgeLimitSeconds = r.Plan.OutboxAgeLimitSeconds,
        },
        Waves = Enumerable.Range(0, r.WaveCount).Select(i =>
        {
            var g = r.InWave(i);
            return new WaveItem
            {
                Number = i + 1,
                Spec = i < r.Plan.Waves.Count ? r.Plan.Waves[i].ToString() : "catch-up",
                Started = i <= r.Wave,
                Gateways = g.Count,
                Applying = g.Count(x => x.State == RolloutGatewayState.Applying),
                Watching = g.Count(x => x.State == RolloutGatewayState.Watching),
                Healthy = g.Count(x => x.State == RolloutGatewayState.Healthy),
                Failed = g.Count(x => x.State == RolloutGatewayState.Failed),
                RolledBack = g.Count(x => x.State == RolloutGatewayState.RolledBack),
            };
        }).ToList(),
        CreatedAt = r.CreatedAt,
        CreatedBy = r.CreatedBy,
        UpdatedAt = r.UpdatedAt,
        FinishedAt = r.FinishedAt,
        Document = detail && r.Payload is ConfigLayerPayload c ? c.Document : null,
        Gateways = detail
            ? r.Gateways.Select(g => new RolloutGatewayItem
            {
                GatewayId = g.GatewayId,
                Wave = g.Wave + 1,
                State = StoreEncoding.Enum(g.State),
                DesiredVersion = g.DesiredVersion,
                RollbackVersion = g.RollbackVersion,
                BaselineLinksUp = g.BaselineLinksUp,
                StartedAt = g.StartedAt,
                ReportedAt = g.ReportedAt,
                WatchUntil = g.WatchUntil,
                Reason = g.Reason,
            }).ToList()
            : null,
        History = detail ? r.History.Select(h => new HistoryItem { At = h.At, Actor = h.Actor, Action = h.Action, GatewayId = h.GatewayId, Text = h.Text }).ToList() : null,
    };
}

internal sealed record PlanItem
{
    public required IReadOnlyList<string> Waves { get; init; }
    public int WatchSeconds { get; init; }
    public int ReportTimeoutSeconds { get; init; }
    public double SuccessThreshold { get; init; }
    public double ErrorThreshold { get; init; }
    public int OutboxAgeLimitSeconds { get; init; }
}

internal sealed record WaveItem
{
    public int Number { get; init; }
    /// <summary><c>30%</c>, <c>label:pilot</c>, or <c>catch-up</c> (gateways that joined the target during the last wave).</summary>
    public required string Spec { get; init; }
    public bool Started { get; init; }
    public int Gateways { get; init; }
    public int Applying { get; init; }
    public int Watching { get; init; }
    public int Healthy { get; init; }
    public int Failed { get; init; }
    public int RolledBack { get; init; }
}

internal sealed record RolloutGatewayItem
{
    public required string GatewayId { get; init; }
    public int Wave { get; init; }
    public required string State { get; init; }
    public long? DesiredVersion { get; init; }
    public long? RollbackVersion { get; init; }
    public required IReadOnlyList<string> BaselineLinksUp { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? ReportedAt { get; init; }
    public DateTimeOffset? WatchUntil { get; init; }
    public string? Reason { get; init; }
}

internal sealed record HistoryItem
{
    public DateTimeOffset At { get; init; }
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public string? GatewayId { get; init; }
    public string? Text { get; init; }
}

internal sealed record RolloutList(IReadOnlyList<RolloutItem> Items);

/// <summary><c>POST /api/rollouts</c>: the layer, its new document and the plan; omitted numbers take <see cref="RolloutPlan"/>'s defaults.</summary>
internal sealed record RolloutStartBody
{
    public string? Scope { get; init; }
    public JsonObject? Document { get; init; }
    public IReadOnlyList<string>? Waves { get; init; }
    public int? WatchSeconds { get; init; }
    public int? ReportTimeoutSeconds { get; init; }
    public double? SuccessThreshold { get; init; }
    public double? ErrorThreshold { get; init; }
    public int? OutboxAgeLimitSeconds { get; init; }

    /// <summary>The plan this body asks for; errors name the field.</summary>
    public RolloutPlan ToPlan()
    {
        var defaults = new RolloutPlan { Waves = [] };
        var waves = Waves ?? throw new StoreValidationException("waves: required, e.g. [\"10%\", \"50%\", \"100%\"] or [\"label:pilot\", \"100%\"]");
        return new RolloutPlan
        {
            Waves = waves.Select(RolloutWave.Parse).ToList(),
            WatchSeconds = WatchSeconds ?? defaults.WatchSeconds,
            ReportTimeoutSeconds = ReportTimeoutSeconds ?? defaults.ReportTimeoutSeconds,
            SuccessThreshold = SuccessThreshold ?? defaults.SuccessThreshold,
            ErrorThreshold = ErrorThreshold ?? defaults.ErrorThreshold,
            OutboxAgeLimitSeconds = OutboxAgeLimitSeconds ?? defaults.OutboxAgeLimitSeconds,
        }.Validated();
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RolloutItem))]
[JsonSerializable(typeof(RolloutList))]
[JsonSerializable(typeof(RolloutStartBody))]
internal sealed partial class RolloutApiJson : JsonSerializerContext;
