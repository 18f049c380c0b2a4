using System.Data.Common;

namespace EdgeLab.Hub.Store;

public enum DatabaseDialect
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The one data layer's connection source. SQLite connections come with WAL and <c>synchronous=FULL</c> set on every
/// open; PostgreSQL connections from Npgsql's pool. Callers dispose what they open.
/// </summary>
public interface IHubDatabase
{
    DatabaseDialect Dialect { get; }

    /// <summary>Opens a connection ready for use (pragmas applied for SQLite).</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes this process's turn to write; dispose to hand it on. SQLite has one writer at a time, and a writer that
    /// finds the lock taken waits in SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25… ms between tries — so
    /// ingest batches and audit commits of one hub delayed each other by whole sleeps (the end-to-end latency tail).
    /// Queued here, the next writer starts the moment the previous one commits. Other processes on the same file still
    /// meet the busy handler. PostgreSQL locks rows, not the database: no turn is needed there.
    /// </summary>
    ValueTask<IDisposable> EnterWriteAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies pending migrations (idempotent; safe with several hub processes starting at once).</summary>
    Task<int> MigrateAsync(CancellationToken cancellationToken = default);
}
