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
}
