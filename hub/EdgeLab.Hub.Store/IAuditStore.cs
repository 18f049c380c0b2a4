using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>The audit log of API reads and writes (append-only).</summary>
public interface IAuditStore
{
    Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Several entries in one transaction (the API layer may buffer).</summary>
    Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<Page<AuditEntry>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every organization's entries after <paramref name="after"/> (by time, then id) and before <paramref name="until"/>,
    /// oldest first, at most <paramref name="take"/>: the region-wide export reads the trail in such chunks, so memory
    /// stays bounded however long the trail is.
    /// </summary>
    Task<IReadOnlyList<AuditEntry>> ReadAuditChunkAsync(AuditPosition after, DateTimeOffset? until, int take, CancellationToken cancellationToken = default);
}

/// <summary>A place in the audit trail's (time, id) order; <see cref="Start"/> = just before <c>since</c>.</summary>
public readonly record struct AuditPosition(DateTimeOffset At, long Id)
{
    public static AuditPosition Start(DateTimeOffset since) => new(since, long.MinValue);
}
