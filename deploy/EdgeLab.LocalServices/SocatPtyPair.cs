namespace EdgeLab.LocalServices;

/// <summary>
/// Two linked pseudo-terminals made by socat — a null-modem cable without hardware. One end goes to the simulated
/// analyzer, the other to the gateway's serial transport. Killing it is unplugging the cable.
/// </summary>
public sealed class SocatPtyPair : IAsyncDisposable
{
    public const string Executable = "/usr/bin/socat";
    private readonly ScratchDirectory _dir;
    private readonly ChildProcess _process;

    private SocatPtyPair(ScratchDirectory dir, ChildProcess process, string a, string b)
    {
        _dir = dir;
        _process = process;
        InstrumentEnd = a;
        GatewayEnd = b;
    }

    /// <summary>Path of the symlink to the analyzer's end (e.g. /tmp/pty-…/analyzer).</summary>
    public string InstrumentEnd { get; }

    /// <summary>Path of the symlink to the gateway's end.</summary>
    public string GatewayEnd { get; }

    public int Pid => _process.Pid;
    public bool HasExited => _process.HasExited;

    public static async Task<SocatPtyPair> StartAsync(string? directory = null)
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} not found: install it with `apt-get install -y socat` (deploy/install-deps.sh does this)");
        var dir = new ScratchDirectory("pty");
        var baseDir = directory ?? dir.Path;
        Directory.CreateDirectory(baseDir);
        var a = Path.Combine(baseDir, "analyzer");
        var b = Path.Combine(baseDir, "gateway");
        var process = ChildProcess.Start(Executable, ["-d", "-d", $"pty,raw,echo=0,link={a}", $"pty,raw,echo=0,link={b}"], name: "socat");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        // socat logs "starting data transfer loop" once both ends exist.
        while (!(File.Exists(a) && File.Exists(b) && process.Output.Contains("starting data transfer loop", StringComparison.Ordinal)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var output = process.Output;
                await process.DisposeAsync();
                dir.Dispose();
                throw new InvalidOperationException($"socat did not create the pseudo-terminal pair: {output}");
            }
            await Task.Delay(20);
        }
        return new SocatPtyPair(dir, process, a, b);
    }

    /// <summary>Kills socat: both pseudo-terminals vanish, as when a USB serial adapter is unplugged.</summary>
    public async Task UnplugAsync() => await _process.StopAsync(TimeSpan.FromSeconds(2));

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _dir.Dispose();
    }
}
