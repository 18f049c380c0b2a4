using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Linking;

/// <summary>Everything one batch transaction writes, built in memory by <see cref="ResultLinker"/> before the SQL runs.</summary>
public sealed class BatchPlan
{
    public List<LabResult> Results { get; } = [];
    /// <summary>Sequence of each result's message (for per-instrument ordering).</summary>
    public List<long> ResultSequences { get; } = [];
    /// <summary>Specimens that got their first result (issued → received).</summary>
    public HashSet<string> ReceivedSpecimens { get; } = [];
    public List<(UnmatchedResult Item, long Sequence)> Unmatched { get; } = [];
    public List<CriticalNotification> Notifications { get; } = [];
    public List<IngestEnvelope> Quarantined { get; } = [];
    public List<IngestEnvelope> Events { get; } = [];
    public List<IngestEnvelope> Statuses { get; } = [];
    /// <summary>Result messages whose sender may not write them (never results, never current, never notifying).</summary>
    public List<ProvenanceViolation> Violations { get; } = [];

    /// <summary>(specimen, catalog code) → current result, seeded from the database and updated as the batch links.</summary>
    public Dictionary<(string SpecimenId, string CatalogCode), CurrentResult> Current { get; } = [];

    /// <summary>
    /// (patient, catalog code) → the patient's numeric results of the test within the delta windows, seeded from the
    /// database (<c>Store/Results/PatientHistory</c>) and extended as the batch links, for the autoverification delta check.
    /// </summary>
    public Dictionary<(string PatientId, string CatalogCode), List<PreviousResult>> History { get; } = [];

    /// <summary>The (specimen, test) pairs whose current result is one of this batch's: the result_current rows to write.</summary>
    public IEnumerable<KeyValuePair<(string SpecimenId, string CatalogCode), CurrentResult>> MovedCurrent =>
        Current.Where(c => c.Value.PlanIndex is not null);

    public bool IsEmpty => Results.Count == 0 && Unmatched.Count == 0 && Quarantined.Count == 0 && Events.Count == 0 && Statuses.Count == 0 && Violations.Count == 0;
}
