using System.Data.Common;

namespace EdgeLab.Hub.Ingest;

/// <summary>The dialect-specific hot path of a batch: claiming message ids, reserving result ids, inserting result rows.</summary>
internal interface IResultBulkWriter
{
    /// <summary>Inserts the ids into <c>processed_message</c>; returns those that were not there before.</summary>
    Task<HashSet<string>> ClaimAsync(DbConnection c, DbTransaction tx, IReadOnlyList<string> messageIds, long nowMs, CancellationToken ct);

    /// <summary>Reserves up to <paramref name="count"/> result ids; the function hands them out in increasing order.</summary>
    Task<Func<long>> ReserveResultIdsAsync(DbConnection c, DbTransaction tx, int count, CancellationToken ct);

    Task InsertResultsAsync(DbConnection c, DbTransaction tx, BatchPlan plan, CancellationToken ct);
}
