using System.Data.Common;
using Npgsql;

namespace EdgeLab.Hub.Store;

/// <summary>PostgreSQL through one pooled <see cref="NpgsqlDataSource"/>.</summary>
public sealed class PostgresHubDatabase : IHubDatabase, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _display;

    public PostgresHubDatabase(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException(
                $"The PostgreSQL connection string is not valid: {ex.Message}. Expected e.g. 'Host=127.0.0.1;Port=5432;Username=edgelab;Database=edgelab'.", ex);
        }
        _display = $"{builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public DatabaseDialect Dialect => DatabaseDialect.Postgres;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(
                $"Cannot connect to PostgreSQL at {_display}: {ex.Message}. Check --connection-string and that the server is running.", ex);
        }
    }

    /// <summary>No turn: PostgreSQL writers lock rows, not the database.</summary>
    public ValueTask<IDisposable> EnterWriteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<IDisposable>(NoTurn.Instance);

    public Task<int> MigrateAsync(CancellationToken cancellationToken = default) => Migrator.MigrateAsync(this, cancellationToken);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

public sealed class NoTurn : IDisposable
{
    public static readonly NoTurn Instance = new();

    public void Dispose() { }
}
