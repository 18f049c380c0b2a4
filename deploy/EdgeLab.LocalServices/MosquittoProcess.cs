namespace EdgeLab.LocalServices;

/// <summary>
/// A real Mosquitto broker (Debian's package) on a free loopback port, with its config written into a temp folder and
/// stopped by pid. <see cref="KillAsync"/> + <see cref="RestartAsync"/> simulate a crash on the same port and data.
/// No anonymous clients (issue 9): every run gets its own password file <c>{{DATA}}/passwd</c> holding the hub's user
/// (<see cref="HubCredentials"/>) and every user added with <see cref="AddUserAsync"/> (a gateway's user is its id), and
/// the default config's ACL confines a gateway to <c>edgelab/v1/gw/&lt;its id&gt;/#</c>.
/// </summary>
public sealed class MosquittoProcess : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/mosquitto";
    private readonly ScratchDirectory _dir;
    /// <summary>The hub's user at the broker in the default config (deploy/mosquitto/edgelab-dev.acl names it).</summary>
    public const string HubUserName = "edgelab-hub";
    public const string PasswordFileName = "passwd";
    private readonly string _configPath;
    private readonly Dictionary<string, (MqttCredentials Credentials, string Line)> _users;
    private readonly SemaphoreSlim _usersGate = new(1, 1);
    private ChildProcess _process;

    private MosquittoProcess(ScratchDirectory dir, string configPath, int port, ChildProcess process, Dictionary<string, (MqttCredentials, string)> users)
    {
        _dir = dir;
        _configPath = configPath;
        Port = port;
        _process = process;
        _users = users;
        HubCredentials = users[HubUserName].Item1;
        HubPasswordFile = PasswordFileFor(HubCredentials);
    }

    public int Port { get; }
    public string Host => "127.0.0.1";
    public int Pid => _process.Pid;
    public string Output => _process.Output;
    public string DataDirectory => _dir.Path;

    /// <summary>The hub's user and password (made for this run).</summary>
    public MqttCredentials HubCredentials { get; }

    /// <summary>A file holding the hub's password, for <c>edgelab-hub --mqtt-password-file</c>.</summary>
    public string HubPasswordFile { get; }

    /// <summary>The <c>edgelab-hub run</c> options that reach this broker as the hub.</summary>
    public IReadOnlyList<string> HubArguments =>
    [
        "--mqtt-host", Host, "--mqtt-port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--mqtt-username", HubCredentials.UserName, "--mqtt-password-file", HubPasswordFile,
    ];

    /// <summary>
    /// Starts Mosquitto. <paramref name="configTemplate"/> is a config text with <c>{{PORT}}</c> and <c>{{DATA}}</c>
    /// placeholders; the default is deploy/mosquitto/edgelab-dev.conf. <paramref name="extraFiles"/> are written beside it
    /// (certificates, ACL) and can be referenced as <c>{{DATA}}/name</c>.
    /// </summary>
    /// <param name="users">Users besides the hub's to put in the password file before the broker starts.</param>
    public static async Task<MosquittoProcess> StartAsync(string? configTemplate = null, IReadOnlyDictionary<string, string>? extraFiles = null, int? port = null,
        IEnumerable<MqttCredentials>? users = null)
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} not found: install it with `apt-get install -y mosquitto` (deploy/install-deps.sh does this)");
        var dir = new ScratchDirectory("mosquitto");
        var p = port ?? FreeTcpPort.Next();
        var template = configTemplate ?? await File.ReadAllTextAsync(DefaultConfigPath());
        var config = template.Replace("{{PORT}}", p.ToString(System.Globalization.CultureInfo.InvariantCulture)).Replace("{{DATA}}", dir.Path);
        var configPath = dir.File("mosquitto.conf");
        await File.WriteAllTextAsync(configPath, config);
        if (configTemplate is null)
            await File.WriteAllTextAsync(dir.File("edgelab-dev.acl"), await File.ReadAllTextAsync(Path.ChangeExtension(DefaultConfigPath(), ".acl")));
        var accounts = new Dictionary<string, (MqttCredentials, string)>(StringComparer.Ordinal);
        foreach (var c in (users ?? []).Prepend(new MqttCredentials(HubUserName, MosquittoPasswords.NewPassword())))
            accounts[c.UserName] = (c, MosquittoPasswords.Line(c.UserName, c.Password));
        await WritePasswordFileAsync(dir.File(PasswordFileName), accounts.Values.Select(a => a.Item2));
        if (extraFiles is not null)
            foreach (var (name, content) in extraFiles)
                await File.WriteAllTextAsync(dir.File(name), content.Replace("{{DATA}}", dir.Path));
        var process = await LaunchAsync(configPath, p);
        return new MosquittoProcess(dir, configPath, p, process, accounts);
    }

    /// <summary>
    /// Adds a user (a gateway's user name is its gateway id) with a fresh password, has the broker reload its password
    /// file (SIGHUP) and returns once the broker accepts the new credentials. Adding a user again returns the same.
    /// </summary>
    public async Task<MqttCredentials> AddUserAsync(string userName, CancellationToken cancellationToken = default)
    {
        await _usersGate.WaitAsync(cancellationToken);
        try
        {
            if (_users.TryGetValue(userName, out var known)) return known.Credentials;
            var credentials = new MqttCredentials(userName, MosquittoPasswords.NewPassword());
            _users[userName] = (credentials, MosquittoPasswords.Line(userName, credentials.Password));
            await ReloadUsersAsync(credentials, accepted: true, cancellationToken);
            return credentials;
        }
        finally
        {
            _usersGate.Release();
        }
    }

    /// <summary>Removes a user and reloads: Mosquitto disconnects that user's clients at once and refuses them from then on.</summary>
    public async Task RemoveUserAsync(string userName, CancellationToken cancellationToken = default)
    {
        await _usersGate.WaitAsync(cancellationToken);
        try
        {
            if (!_users.Remove(userName, out var removed)) return;
            await ReloadUsersAsync(removed.Credentials, accepted: false, cancellationToken);
        }
        finally
        {
            _usersGate.Release();
        }
    }

    /// <summary>Writes <paramref name="credentials"/>' password into a file of its own (for a gateway's <c>mqtt.passwordFile</c>).</summary>
    public string PasswordFileFor(MqttCredentials credentials)
    {
        var path = _dir.File(credentials.UserName + ".password");
        File.WriteAllText(path, credentials.Password);
        return path;
    }

    /// <summary>SIGHUP: Mosquitto re-reads its password file and ACL (and drops clients whose user is gone).</summary>
    public void Reload() => _process.Signal(PosixSignals.SIGHUP);

    private async Task ReloadUsersAsync(MqttCredentials probe, bool accepted, CancellationToken cancellationToken)
    {
        await WritePasswordFileAsync(_dir.File(PasswordFileName), _users.Values.Select(u => u.Line));
        Reload();
        // Mosquitto reloads in its main loop after the signal; a CONNECT with the changed user shows when it has.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            var code = await MosquittoPasswords.ProbeConnectAsync(Host, Port, probe, timeout.Token);
            if ((code == 0) == accepted) return;
            await Task.Delay(5, timeout.Token);
        }
    }

    private static async Task WritePasswordFileAsync(string path, IEnumerable<string> lines)
    {
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, string.Join('\n', lines) + "\n");
        File.Move(temp, path, overwrite: true);
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
        _usersGate.Dispose();
        _dir.Dispose();
    }
}
