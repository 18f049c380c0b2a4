namespace EdgeLab.LocalServices;

/// <summary>
/// A real Mosquitto broker (Debian's package) on a free loopback port, with its config written into a temp folder and
/// stopped by pid. <see cref="KillAsync"/> + <see cref="RestartAsync"/> simulate a crash on the same port and data.
/// </summary>
public sealed class MosquittoProcess : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/mosquitto";
    private readonly ScratchDirectory _dir;
    private readonly string _configPath;
    private ChildProcess _process;

    private MosquittoProcess(ScratchDirectory dir, string configPath, int port, ChildProcess process)
    {
        _dir = dir;
        _configPath = configPath;
        Port = port;
        _process = process;
    }

    public int Port { get; }
    public string Host => "127.0.0.1";
    public int Pid => _process.Pid;
    public string Output => _process.Output;
    public string DataDirectory => _dir.Path;

    /// <summary>
    /// Starts Mosquitto. <paramref name="configTemplate"/> is a config text with <c>{{PORT}}</c> and <c>{{DATA}}</c>
    /// placeholders; the default is deploy/mosquitto/edgelab-dev.conf. <paramref name="extraFiles"/> are written beside it
    /// (certificates, ACL) and can be referenced as <c>{{DATA}}/name</c>.
    /// </summary>
    public static async Task<MosquittoProcess> StartAsync(string? configTemplate = null, IReadOnlyDictionary<string, string>? extraFiles = null, int? port = null)
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} not found: install it with `apt-get install -y mosquitto` (deploy/install-deps.sh does this)");
        var dir = new ScratchDirectory("mosquitto");
        var p = port ?? FreeTcpPort.Next();
        var template = configTemplate ?? await File.ReadAllTextAsync(DefaultConfigPath());
        var config = template.Replace("{{PORT}}", p.ToString(System.Globalization.CultureInfo.InvariantCulture)).Replace("{{DATA}}", dir.Path);
        var configPath = dir.File("mosquitto.conf");
        await File.WriteAllTextAsync(configPath, config);
        if (extraFiles is not null)
            foreach (var (name, content) in extraFiles)
                await File.WriteAllTextAsync(dir.File(name), content.Replace("{{DATA}}", dir.Path));
        var process = await LaunchAsync(configPath, p);
        return new MosquittoProcess(dir, configPath, p, process);
    }

    private static async Task<ChildProcess> LaunchAsync(string configPath, int port)
    {
        var process = ChildProcess.Start(Executable, ["-c", configPath], name: "mosquitto");
        try
        {
            await FreeTcpPort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(10), () => !process.HasExited);
        }
        catch (TimeoutException ex)
        {
            var output = process.Output;
            await process.DisposeAsync();
            throw new InvalidOperationException($"mosquitto did not start on 127.0.0.1:{port}: {output}", ex);
        }
        return process;
    }

    /// <summary>deploy/mosquitto/edgelab-dev.conf, copied beside this assembly.</summary>
    public static string DefaultConfigPath() => Path.Combine(AppContext.BaseDirectory, "mosquitto", "edgelab-dev.conf");

    /// <summary>Freezes the broker (SIGSTOP): connections stay open but nothing answers — a half-open link.</summary>
    public void Freeze() => _process.Signal(PosixSignals.SIGSTOP);

    public void Thaw() => _process.Signal(PosixSignals.SIGCONT);

    /// <summary>SIGKILL: the broker loses whatever it had not snapshotted, even messages it PUBACKed.</summary>
    public async Task KillAsync()
    {
        _process.Signal(PosixSignals.SIGCONT);
        _process.Signal(PosixSignals.SIGKILL);
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>SIGTERM: the broker saves its persistence file (sessions, subscriptions, queued messages) and exits.</summary>
    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(10));

    /// <summary>Starts the broker again on the same port with the same config and persistence folder.</summary>
    public async Task RestartAsync()
    {
        if (!_process.HasExited) await KillAsync();
        await _process.DisposeAsync();
        _process = await LaunchAsync(_configPath, Port);
    }

    public async ValueTask DisposeAsync()
    {
        _process.Signal(PosixSignals.SIGCONT);
        await _process.DisposeAsync();
        _dir.Dispose();
    }
}
