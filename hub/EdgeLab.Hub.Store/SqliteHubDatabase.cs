using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace EdgeLab.Hub.Store;

/// <summary>
/// SQLite: one file in the data folder, opened in WAL mode with <c>synchronous=FULL</c> on every connection (a commit
/// survives power loss), and a busy timeout so several hub processes can share the file.
/// </summary>
public sealed class SqliteHubDatabase : IHubDatabase
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeTurn = new(1, 1);

    public SqliteHubDatabase(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        FilePath = full;
    }

    public string FilePath { get; }

    public DatabaseDialect Dialect => DatabaseDialect.Sqlite;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"Cannot open the SQLite database '{FilePath}': {ex.Message}. Check that the --data folder exists and is writable.", ex);
        }
    }

    public async ValueTask<IDisposable> EnterWriteAsync(CancellationToken cancellationToken = default)
    {
        await _writeTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteTurn(_writeTurn);
    }

    public Task<int> MigrateAsync(CancellationToken cancellationToken = default) => Migrator.MigrateAsync(this, cancellationToken);
}

/// <summary>Hands the write turn on when disposed (once).</summary>
public sealed class WriteTurn(SemaphoreSlim turn) : IDisposable
{
    private SemaphoreSlim? _turn = turn;

    public void Dispose() => Interlocked.Exchange(ref _turn, null)?.Release();
}
