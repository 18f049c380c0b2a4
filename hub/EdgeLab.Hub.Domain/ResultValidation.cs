namespace EdgeLab.Hub.Domain;

/// <summary>The lab doctor's validation worklist for one referral: its held results, each with the patient's history of the test.</summary>
public sealed record WorklistReferral
{
    public required string ReferralId { get; init; }
    public required string PatientId { get; init; }
    public required string OrderingOrganizationId { get; init; }
    public string? PractitionerName { get; init; }
    /// <summary>The patient, loaded with the worklist (null only when the patient is outside the caller's scope).</summary>
    public Patient? Patient { get; init; }
    public required IReadOnlyList<WorklistEntry> Results { get; init; }
}

/// <summary>
/// Narrows the worklist in the database, before the page size is applied: a doctor searching for a patient finds the
/// held result even when it is not among the oldest N.
/// </summary>
public sealed record WorklistFilter
{
    /// <summary>Only results held for this reason.</summary>
    public HoldReason? Hold { get; init; }

    /// <summary>Part of a referral, tube, test or instrument id, or of the patient's family or given name (case-insensitive, ё = е).</summary>
    public string? Text { get; init; }

    public static WorklistFilter None { get; } = new();
}

/// <summary>One held result with the patient's earlier results of the same test (newest first) and the change from the latest.</summary>
public sealed record WorklistEntry
{
    public required LabResult Result { get; init; }
    public required IReadOnlyList<LabResult> Previous { get; init; }
    /// <summary>Current − latest earlier numeric value (not rejected), in the catalog unit; null when there is none.</summary>
    public decimal? Delta { get; init; }
    /// <summary><see cref="Delta"/> in percent of the earlier value; null when it is zero or there is none.</summary>
    public decimal? DeltaPercent { get; init; }
}

/// <summary>A lab doctor's decision, kept with the result (one per result; a rerun or correction is a new result).</summary>
public sealed record ValidationDecision
{
    public required long ResultId { get; init; }
    public required ValidationAction Action { get; init; }
    /// <summary>The API client (or person) who decided.</summary>
    public required string DecidedBy { get; init; }
    public required string OrganizationId { get; init; }
    public required DateTimeOffset DecidedAt { get; init; }
    public string? Reason { get; init; }
}

/// <summary>What became of a decision request.</summary>
public enum DecisionOutcome
{
    Decided,
    /// <summary>No such result among the lab's (or out of scope).</summary>
    NotFound,
    /// <summary>Not held: released by the rules, or already decided.</summary>
    NotHeld,
    /// <summary>A newer result of the same tube and test replaced it: decide on that one.</summary>
    Superseded,
}

/// <summary>One critical value on the board: the notification, the result and whom to call at the ordering clinic.</summary>
public sealed record CriticalBoardItem
{
    public required CriticalNotification Notification { get; init; }
    public required LabResult Result { get; init; }
    public required string OrderingOrganizationName { get; init; }
    /// <summary>The ordering clinic's phone for critical values (<c>organizations add --phone</c>), or null when none is registered.</summary>
    public string? OrderingOrganizationPhone { get; init; }
    public string? PractitionerName { get; init; }
}
