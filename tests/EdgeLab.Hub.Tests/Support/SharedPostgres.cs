using EdgeLab.LocalServices;

namespace EdgeLab.Hub.Tests.Support;

/// <summary>
/// One real PostgreSQL server (Debian's, in a temp folder, as the postgres user) for the whole test run; every test
/// gets its own database in it. Stopped by pid-file (pg_ctl) when the test process exits.
/// </summary>
internal static class SharedPostgres
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresProcess? _server;
    private static int _databases;

    public static async Task<string> NewDatabaseAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_server is null)
            {
                _server = await PostgresProcess.StartAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            var name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
            await _server.CreateDatabaseAsync(name);
            return _server.ConnectionString(name);
        }
        finally
        {
            Gate.Release();
        }
    }
}
