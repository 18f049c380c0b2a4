using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace EdgeLab.Hub.Store.Fleet.Rollouts;

/// <summary>
/// What a rollout changes. Typed so the engine never looks inside: a configuration layer's new document today, an
/// application update package later (issue 12 §4) through the same waves, thresholds and rollback.
/// </summary>
public abstract record RolloutPayload
{
    /// <summary>The <c>rollout.kind</c> column.</summary>
    public abstract string Kind { get; }

    /// <summary>The gateways the change is for: the rollout's target.</summary>
    public abstract ConfigScope Target { get; }
}

/// <summary>A configuration change: the layer <see cref="Scope"/> gets <see cref="Document"/> (issue 12 §2, §3).</summary>
public sealed record ConfigLayerPayload(ConfigScope Scope, JsonObject Document) : RolloutPayload
{
    public const string KindName = "config";

    public override string Kind => KindName;

    public override ConfigScope Target => Scope;
}

/// <summary>One wave: a cumulative share of the target (<c>30%</c>: 30 % of the target has had the change once this wave is done), or a named group (a label: <c>label:pilot</c>).</summary>
public sealed partial record RolloutWave(int? Percent, string? Label)
{
    public override string ToString() => Percent is { } p ? p.ToString(CultureInfo.InvariantCulture) + "%" : "label:" + Label;

    /// <summary>Parses <c>10%</c> or <c>label:pilot</c>; the error names the wave.</summary>
    public static RolloutWave Parse(string text, int index)
    {
        var t = text.Trim();
        if (t.EndsWith('%') && int.TryParse(t[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 100)
            return new RolloutWave(p, null);
        if (t.StartsWith("label:", StringComparison.Ordinal) && LabelPattern().IsMatch(t[6..]))
            return new RolloutWave(null, t[6..]);
        throw new StoreValidationException($"wave {index + 1} '{text}': write a cumulative percentage 1–100 (e.g. 10%) or a group label:NAME");
    }

    [GeneratedRegex("^[a-z0-9._-]{1,64}$")]
    private static partial Regex LabelPattern();
}

/// <summary>
/// How a rollout proceeds (hawkBit's rollout groups with success and error thresholds, AWS IoT Jobs' abort criteria),
/// with the lab's health as the success criterion: a wave's gateway succeeds when it reports the new version and stays
/// healthy — instrument links that were up stay up, the outbox drains, nothing new is quarantined — for
/// <see cref="WatchSeconds"/>.
/// </summary>
public sealed record RolloutPlan
{
    public required IReadOnlyList<RolloutWave> Waves { get; init; }

    /// <summary>How long a gateway must stay healthy after it reported the new version.</summary>
    public int WatchSeconds { get; init; } = 300;

    /// <summary>A gateway that has not reported the new version this long after its wave started has failed.</summary>
    public int ReportTimeoutSeconds { get; init; } = 600;

    /// <summary>Fraction (0–1) of a wave's gateways that must succeed for the next wave to start.</summary>
    public double SuccessThreshold { get; init; } = 1.0;

    /// <summary>Fraction (0–1) of a wave's gateways whose failure stops the whole rollout at once (more than this).</summary>
    public double ErrorThreshold { get; init; }

    /// <summary>"Outbox draining": the oldest unsent message may be at most this old, unless the depth is not above what it was before.</summary>
    public int OutboxAgeLimitSeconds { get; init; } = 120;

    /// <summary>Checks the plan; the error says what and where.</summary>
    public RolloutPlan Validated()
    {
        if (Waves.Count is 0 or > 20) throw new StoreValidationException("waves: give 1–20 waves");
        var last = 0;
        for (var i = 0; i < Waves.Count; i++)
        {
            if (Waves[i].Percent is not { } p) continue;
            if (p <= last) throw new StoreValidationException($"wave {i + 1} '{Waves[i]}': percentages are cumulative and must grow (the one before is {last}%)");
            last = p;
        }
        if (WatchSeconds is < 0 or > 7 * 86400) throw new StoreValidationException("watch: 0 s to 7 days");
        if (ReportTimeoutSeconds is < 1 or > 7 * 86400) throw new StoreValidationException("report timeout: 1 s to 7 days");
        if (SuccessThreshold is < 0 or > 1 || double.IsNaN(SuccessThreshold)) throw new StoreValidationException("success threshold: a fraction 0–1");
        if (ErrorThreshold is < 0 or >= 1 || double.IsNaN(ErrorThreshold)) throw new StoreValidationException("error threshold: a fraction 0 to below 1 (failures above it stop the rollout)");
        if (OutboxAgeLimitSeconds is < 1 or > 86400) throw new StoreValidationException("outbox age limit: 1 s to 1 day");
        return this;
    }
}

public enum RolloutState
{
    Running,
    Paused,
    Completed,
    Stopped,
    Aborted,
}

/// <summary>A gateway in a rollout: applying → watching → healthy | failed → rolled-back.</summary>
public enum RolloutGatewayState
{
    Applying,
    Watching,
    Healthy,
    Failed,
    RolledBack,
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RolloutPlan))]
internal sealed partial class RolloutJson : JsonSerializerContext;
