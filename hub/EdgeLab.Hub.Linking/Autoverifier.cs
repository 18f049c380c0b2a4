using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Linking;

/// <summary>The patient's previous result of a test (for the delta check).</summary>
public readonly record struct PreviousResult(long Id, decimal Numeric, DateTimeOffset EffectiveAt);

/// <summary>
/// Evaluates a test's <see cref="AutoverificationRule"/> against one linked result (issue 13; CLSI AUTO10-A): every
/// check runs, and each failed one adds its <see cref="HoldReason"/>, so the lab doctor sees all of them at once. An
/// empty answer means "release". Pure.
/// </summary>
public static class Autoverifier
{
    /// <param name="collectedAt">When the specimen was collected, or null when nobody said (the age check is then skipped).</param>
    /// <param name="previous">The patient's latest earlier result of the same test, if any.</param>
    public static IReadOnlyList<HoldReason> Evaluate(TestDefinition test, LabResult result, DateTimeOffset? collectedAt, PreviousResult? previous, QcState qc)
    {
        if (test.Autoverification is not { } rule) return [HoldReason.NoRule];
        var held = new List<HoldReason>();
        if (result.Review is not null) held.Add(HoldReason.NeedsReview);
        if (result.Status == ResultStatus.Cancelled) held.Add(HoldReason.NotMeasured);
        if (result.IsCritical) held.Add(HoldReason.Critical);
        else if (result.Interpretation is InterpretationCodes.Low or InterpretationCodes.High or InterpretationCodes.Abnormal) held.Add(HoldReason.OutsideReferenceRange);
        else if (result.Interpretation is null && result.Status != ResultStatus.Cancelled) held.Add(HoldReason.NoReferenceRange);
        if (result.Numeric is { } value && (value < rule.ReleaseLow || value > rule.ReleaseHigh)) held.Add(HoldReason.OutsideReleaseRange);
        if (result.AnalyzerFlags.Any(f => !string.IsNullOrWhiteSpace(f) && !string.Equals(f.Trim(), "N", StringComparison.OrdinalIgnoreCase)))
            held.Add(HoldReason.AnalyzerFlag);
        if (rule.Delta is { } delta && result.Numeric is { } now && previous is { } prior
            && result.EffectiveAt - prior.EffectiveAt <= delta.Window && delta.Exceeded(now, prior.Numeric))
            held.Add(HoldReason.DeltaExceeded);
        if (qc == QcState.Failed) held.Add(HoldReason.QcFailed);
        else if (qc == QcState.Unknown && rule.WhenQcUnknown == QcUnknownAction.Hold) held.Add(HoldReason.QcUnknown);
        if (collectedAt is { } collected && result.EffectiveAt - collected > rule.MaxSpecimenAge) held.Add(HoldReason.SpecimenTooOld);
        return held;
    }

    /// <summary>The latest of <paramref name="history"/> measured before <paramref name="at"/> (the delta check's comparison).</summary>
    public static PreviousResult? Latest(IEnumerable<PreviousResult>? history, DateTimeOffset at, long excludingId)
    {
        PreviousResult? best = null;
        foreach (var h in history ?? [])
        {
            if (h.Id == excludingId || h.EffectiveAt >= at) continue;
            if (best is null || (h.EffectiveAt, h.Id).CompareTo((best.Value.EffectiveAt, best.Value.Id)) > 0) best = h;
        }
        return best;
    }
}
