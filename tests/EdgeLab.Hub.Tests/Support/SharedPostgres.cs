using System.Threading.Channels;
using EdgeLab.Hub.Store;
using EdgeLab.LocalServices;
using Npgsql;

namespace EdgeLab.Hub.Tests.Support;

/// <summary>
/// One real PostgreSQL server (Debian's, in a temp folder, as the postgres user) for the whole test run; every test
/// gets its own database in it, dropped after the test. Stopped by pid-file (pg_ctl) when the test process exits.
/// </summary>
/// <remarks>
/// Every hub test runs on PostgreSQL too, so a database must be cheap: the schema is migrated once into a template
/// database and each test's database is a <c>CREATE DATABASE … TEMPLATE</c> copy of it, made over one admin
/// connection (no <c>createdb</c> process, no per-test migration). Tests of the migrations themselves ask for an
/// empty database instead. <c>DROP DATABASE</c> forces an immediate checkpoint, which took 1–4 s per test under load
/// (measured with log_checkpoints), so finished databases are dropped one by one in the background, not while the
/// test waits.
/// </remarks>
internal static class SharedPostgres
{
    private const string Template = "hub_template";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Channel<string> Finished = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private static PostgresProcess? _server;
    private static NpgsqlDataSource? _admin;
    private static int _databases;

    /// <summary>A new database with the hub schema already at the latest version.</summary>
    public static Task<string> NewDatabaseAsync() => CreateAsync(migrated: true);

    /// <summary>A new database with nothing in it, for tests of the migrations.</summary>
    public static Task<string> NewEmptyDatabaseAsync() => CreateAsync(migrated: false);

    /// <summary>Queues the database for dropping; the caller must have closed its own connections.</summary>
    public static void Release(string connectionString) =>
        Finished.Writer.TryWrite(new NpgsqlConnectionStringBuilder(connectionString).Database!);

    private static async Task<string> CreateAsync(bool migrated)
    {
        await Gate.WaitAsync();
        try
        {
            var admin = _admin ?? await StartAsync();
            var name = $"t{Interlocked.Increment(ref _databases)}";
            // CREATE DATABASE … TEMPLATE needs the template free of other sessions; the gate keeps copies one at a time.
            await admin.CreateCommand($"CREATE DATABASE \"{name}\" TEMPLATE {(migrated ? Template : "template0")}").ExecuteNonQueryAsync();
            return _server!.ConnectionString(name);
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<NpgsqlDataSource> StartAsync()
    {
        var server = await PostgresProcess.StartAsync();
        _server = server;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var admin = NpgsqlDataSource.Create(server.ConnectionString());
        await admin.CreateCommand($"CREATE DATABASE {Template} TEMPLATE template0").ExecuteNonQueryAsync();
        await using (var template = new PostgresHubDatabase(server.ConnectionString(Template)))
            await template.MigrateAsync();
        _admin = admin;
        _ = Task.Run(() => DropFinishedAsync(admin));
        return admin;
    }

    private static async Task DropFinishedAsync(NpgsqlDataSource admin)
    {
        await foreach (var name in Finished.Reader.ReadAllAsync())
        {
            try
            {
                // FORCE: a hub process a test started (and killed) may still hold a connection.
                await admin.CreateCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").ExecuteNonQueryAsync();
            }
            catch (NpgsqlException)
            {
                // The server is stopping with the test process; its folder goes with it.
            }
        }
    }
}
