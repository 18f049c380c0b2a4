using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>The audit log of API reads and writes (append-only).</summary>
internal interface IAuditStore
{
    Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Several entries in one transaction (the API layer may buffer).</summary>
    Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<Page<AuditEntry>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken = default);
}
