namespace EdgeLab.Hub.Domain;

/// <summary>
/// A catalog test's autoverification rule (issue 13): when a result of the test may be released to the EMR as final
/// without a lab doctor. CLSI AUTO10-A: a result is released only if every check passes; otherwise it waits for a
/// person, with the reasons it was held. Rules are data (the catalog's <c>autoverify</c> block), evaluated by
/// <c>Linking/Autoverifier</c>.
/// </summary>
public sealed record AutoverificationRule
{
    /// <summary>
    /// A narrower release range than the reference range, in the catalog unit (e.g. potassium 3.6–5.0 while the
    /// reference is 3.5–5.1); null = the age/sex reference range is the release range.
    /// </summary>
    public decimal? ReleaseLow { get; init; }
    public decimal? ReleaseHigh { get; init; }
    /// <summary>The delta check (CLSI AUTO10-A §6.2.4), or null when the test has none (coded results).</summary>
    public DeltaCheck? Delta { get; init; }
    /// <summary>Hold a result measured longer than this after collection (specimen stability).</summary>
    public required TimeSpan MaxSpecimenAge { get; init; }
    /// <summary>
    /// What to do when the hub does not know the instrument's QC state. Today gateways forward QC runs as
    /// <c>qc-result</c> events and the hub does not judge them (no Westgard evaluation), so the state is always
    /// unknown and the shipped rules say so explicitly: <see cref="QcUnknownAction.Release"/>.
    /// </summary>
    public required QcUnknownAction WhenQcUnknown { get; init; }
}

/// <summary>Delta check: the change from the patient's previous result of the same test within <see cref="Window"/>.</summary>
public sealed record DeltaCheck
{
    public required TimeSpan Window { get; init; }
    /// <summary>Largest allowed absolute change in the catalog unit (null = not checked).</summary>
    public decimal? Absolute { get; init; }
    /// <summary>Largest allowed change in percent of the previous value (null = not checked).</summary>
    public decimal? Percent { get; init; }

    /// <summary>True when <paramref name="current"/> differs from <paramref name="previous"/> by more than a limit allows.</summary>
    public bool Exceeded(decimal current, decimal previous)
    {
        var change = Math.Abs(current - previous);
        if (Absolute is { } a && change > a) return true;
        if (Percent is { } p)
        {
            if (previous == 0) return change > 0;
            if (change * 100m / Math.Abs(previous) > p) return true;
        }
        return false;
    }
}

public enum QcUnknownAction
{
    Release,
    Hold,
}

/// <summary>What the hub knows of the instrument's quality control when a result arrives.</summary>
public enum QcState
{
    Unknown,
    Passed,
    Failed,
}

/// <summary>Why autoverification held a result for a person (kept with the result, in this order of checks).</summary>
public enum HoldReason
{
    /// <summary>The catalog has no autoverification rule for the test.</summary>
    NoRule,
    /// <summary>The value could not be interpreted against the catalog (e.g. sent without a unit; <see cref="LabResult.Review"/>).</summary>
    NeedsReview,
    /// <summary>The analyzer produced no value (LIS02-A2 result status X).</summary>
    NotMeasured,
    /// <summary>A critical limit was crossed (LL / HH).</summary>
    Critical,
    /// <summary>Outside the age/sex reference range, or a coded result other than the expected value.</summary>
    OutsideReferenceRange,
    /// <summary>No reference range applies (no numeric value, or none for the patient's age/sex), so "normal" is unknown.</summary>
    NoReferenceRange,
    /// <summary>Outside the test's narrower auto-release range.</summary>
    OutsideReleaseRange,
    /// <summary>The analyzer flagged it (any flag other than N).</summary>
    AnalyzerFlag,
    /// <summary>Changed from the patient's previous result of the test by more than the delta limit.</summary>
    DeltaExceeded,
    /// <summary>The instrument's QC run failed.</summary>
    QcFailed,
    /// <summary>The instrument's QC state is unknown and the rule holds in that case.</summary>
    QcUnknown,
    /// <summary>Measured longer after collection than the specimen is stable.</summary>
    SpecimenTooOld,
}

/// <summary>Where a result stands in validation. Only released results go to the EMR as final.</summary>
public enum ValidationState
{
    /// <summary>Waiting for a lab doctor (FHIR Observation.status preliminary).</summary>
    Held,
    /// <summary>Released by the autoverification rules at ingest.</summary>
    AutoReleased,
    /// <summary>Released by a lab doctor.</summary>
    Released,
    /// <summary>A lab doctor asked for the test to be run again; the rerun's result supersedes this one.</summary>
    RerunRequested,
    /// <summary>A lab doctor rejected it with a reason; never reported as a value.</summary>
    Rejected,
}

/// <summary>A lab doctor's decision on a held result.</summary>
public enum ValidationAction
{
    Release,
    Rerun,
    Reject,
}

public static class ValidationStates
{
    public static bool IsReleased(this ValidationState state) => state is ValidationState.AutoReleased or ValidationState.Released;

    /// <summary>The state a decision leads to.</summary>
    public static ValidationState After(ValidationAction action) => action switch
    {
        ValidationAction.Release => ValidationState.Released,
        ValidationAction.Rerun => ValidationState.RerunRequested,
        _ => ValidationState.Rejected,
    };
}
