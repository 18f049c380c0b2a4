using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>Results held because their sender was not entitled to write them (written by ingest, migration 0006).</summary>
public interface IProvenanceStore
{
    /// <summary>
    /// Newest first. The region sees all; an organization sees those naming a specimen it performs (the lab whose
    /// results a foreign or unknown sender tried to write).
    /// </summary>
    Task<Page<ProvenanceViolation>> ListProvenanceViolationsAsync(AccessScope scope, int count = 100, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary>One violation in scope (as the list), with its resolution if any; null when none is in scope.</summary>
    Task<ProvenanceViolation?> GetProvenanceViolationAsync(AccessScope scope, long id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a person's resolution of a violation in scope (the web queue). False when none is in scope or it is
    /// already resolved (the first resolution stands). A note is required: it says what was done about the message.
    /// </summary>
    Task<bool> ResolveProvenanceViolationAsync(AccessScope scope, long id, string resolvedBy, string note, CancellationToken cancellationToken = default);
}
