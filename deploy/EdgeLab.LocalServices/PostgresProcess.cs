namespace EdgeLab.LocalServices;

/// <summary>
/// Debian's PostgreSQL server in a temp folder on a free loopback port. PostgreSQL refuses to run as root, so when
/// we are root the cluster is owned by and run as the package's <c>postgres</c> user (ENVIRONMENT.md).
/// Connect as user <c>edgelab</c> (trust auth, loopback only) to database <c>edgelab</c>.
/// </summary>
public sealed class PostgresProcess : IAsyncDisposable
{
    private readonly ScratchDirectory _dir;

    private PostgresProcess(ScratchDirectory dir, int port, string binDir)
    {
        _dir = dir;
        Port = port;
        BinDirectory = binDir;
    }

    public int Port { get; }
    public string BinDirectory { get; }
    public string DataDirectory => Path.Combine(_dir.Path, "data");

    public string ConnectionString(string database = "edgelab") =>
        $"Host=127.0.0.1;Port={Port};Username=edgelab;Database={database};Pooling=true;Maximum Pool Size=50";

    public static string? FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    public static async Task<PostgresProcess> StartAsync()
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL server not found under /usr/lib/postgresql: install it with `apt-get install -y postgresql` (deploy/install-deps.sh does this)");
        var dir = new ScratchDirectory("pg");
        var port = FreeTcpPort.Next();
        var asRoot = Environment.UserName == "root";
        try
        {
            if (asRoot) await RunAsync("chown", ["postgres", dir.Path]);
            await RunAsPostgresAsync(asRoot, Path.Combine(bin, "initdb"), ["-D", Path.Combine(dir.Path, "data"), "-A", "trust", "-U", "edgelab", "--no-sync", "-E", "UTF8"]);
            await RunAsPostgresAsync(asRoot, Path.Combine(bin, "pg_ctl"),
                ["-D", Path.Combine(dir.Path, "data"), "-l", Path.Combine(dir.Path, "log"), "-o",
                 $"-p {port} -k {dir.Path} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200", "-w", "start"]);
            await RunAsPostgresAsync(asRoot, Path.Combine(bin, "createdb"), ["-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "edgelab", "edgelab"]);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
        return new PostgresProcess(dir, port, bin);
    }

    /// <summary>Creates another database in the same cluster (one per test class keeps tests independent).</summary>
    public Task CreateDatabaseAsync(string name) =>
        RunAsPostgresAsync(Environment.UserName == "root", Path.Combine(BinDirectory, "createdb"),
            ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "edgelab", name]);

    private static Task RunAsPostgresAsync(bool asRoot, string exe, IReadOnlyList<string> args) =>
        asRoot ? RunAsync("runuser", ["-u", "postgres", "--", exe, .. args]) : RunAsync(exe, args);

    private static async Task RunAsync(string exe, IReadOnlyList<string> args)
    {
        await using var p = ChildProcess.Start(exe, args, workingDirectory: "/tmp", name: Path.GetFileName(exe));
        if (!await p.WaitForExitAsync(TimeSpan.FromSeconds(60)))
            throw new TimeoutException($"{exe} did not finish within 60 s: {p.Output}");
        await Task.Delay(10); // let the async readers drain the last lines
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed with exit code {p.ExitCode}: {p.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsPostgresAsync(Environment.UserName == "root", Path.Combine(BinDirectory, "pg_ctl"),
                ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        _dir.Dispose();
    }
}
