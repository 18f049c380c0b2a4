using System.Collections.Concurrent;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Audit;

/// <summary>
/// Group commit for the audit log. Every API read appends its audit entries before it answers, and on SQLite each
/// append is a write transaction with its own fsync behind the one writer lock (shared with ingest), so concurrent
/// reads queued one fsync each: at 300 analyzers a burst of EMR reads waited hundreds of milliseconds (bench e2e).
/// Here callers queue their entries; whoever holds the write turn commits everything queued so far in one
/// transaction. A caller still returns only after its own entries are committed (a read that was answered is a
/// read that was recorded), and fails if their transaction failed.
/// </summary>
internal sealed class AuditGroupCommit(IAuditStore store)
{
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly SemaphoreSlim _turn = new(1, 1);

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries)
    {
        var mine = new Pending(entries);
        _queue.Enqueue(mine);
        await _turn.WaitAsync().ConfigureAwait(false);
        try
        {
            // An earlier turn may have committed ours already.
            if (!mine.Done.Task.IsCompleted) await CommitQueuedAsync().ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
        await mine.Done.Task.ConfigureAwait(false);
    }

    private async Task CommitQueuedAsync()
    {
        var batch = new List<Pending>();
        while (_queue.TryDequeue(out var p)) batch.Add(p);
        if (batch.Count == 0) return;
        try
        {
            await store.AppendAuditAsync(batch.SelectMany(p => p.Entries).ToList(), CancellationToken.None).ConfigureAwait(false);
            foreach (var p in batch) p.Done.TrySetResult();
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Done.TrySetException(e);
        }
    }

    private sealed class Pending(IReadOnlyList<AuditEntry> entries)
    {
        public IReadOnlyList<AuditEntry> Entries { get; } = entries;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
