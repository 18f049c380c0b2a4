using System.Data.Common;

namespace EdgeLab.Hub.Store;

internal enum DatabaseDialect
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The one data layer's connection source. SQLite connections come with WAL and <c>synchronous=FULL</c> set on every
/// open; PostgreSQL connections from Npgsql's pool. Callers dispose what they open.
/// </summary>
internal interface IHubDatabase
{
    DatabaseDialect Dialect { get; }

    /// <summary>Opens a connection ready for use (pragmas applied for SQLite).</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies pending migrations (idempotent; safe with several hub processes starting at once).</summary>
    Task<int> MigrateAsync(CancellationToken cancellationToken = default);
}
