using System.Diagnostics;
using System.Text;

namespace EdgeLab.LocalServices;

/// <summary>
/// A process we started and must stop by its pid, whatever happens. Captures stdout/stderr into a bounded
/// in-memory tail so a failing test can show what the service said.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLimit = 64 * 1024;
    private readonly Process _process;
    private readonly StringBuilder _tail = new();
    private readonly StringBuilder _stdout = new();
    private readonly object _gate = new();

    private ChildProcess(Process process) => _process = process;

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public string Name { get; private init; } = "";

    /// <summary>Raised for every line the process writes (stdout and stderr).</summary>
    public event Action<string>? Line;

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, string? name = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) info.Environment[k] = v;
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"could not start {fileName}: {ex.Message}. Is it installed? (deploy/install-deps.sh installs what EdgeLab needs)", ex);
        }
        var child = new ChildProcess(process) { Name = name ?? Path.GetFileName(fileName) };
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, standardOutput: true);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, standardOutput: false);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void OnLine(string? line, bool standardOutput)
    {
        if (line is null) return;
        lock (_gate)
        {
            Append(_tail, line);
            if (standardOutput) Append(_stdout, line);
        }
        Line?.Invoke(line);
    }

    private static void Append(StringBuilder tail, string line)
    {
        tail.AppendLine(line);
        if (tail.Length > TailLimit) tail.Remove(0, tail.Length - TailLimit);
    }

    /// <summary>The last 64 KiB the process printed, stdout and stderr interleaved as they arrived.</summary>
    public string Output
    {
        get { lock (_gate) return _tail.ToString(); }
    }

    /// <summary>
    /// The last 64 KiB of stdout alone. A command's result (a token, JSON) is read from here: in <see cref="Output"/> its
    /// stderr lines can land before or after its stdout lines, as the two pipes are read independently.
    /// </summary>
    public string StandardOutput
    {
        get { lock (_gate) return _stdout.ToString(); }
    }

    /// <summary>Sends a POSIX signal (e.g. 9 KILL, 19 STOP, 18 CONT, 2 INT, 15 TERM) to the process.</summary>
    public void Signal(int signal)
    {
        if (!_process.HasExited) _ = PosixSignals.Kill(_process.Id, signal);
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, then SIGKILL if it has not ended within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (_process.HasExited) return;
        Signal(PosixSignals.SIGTERM);
        if (!await WaitForExitAsync(grace ?? TimeSpan.FromSeconds(5)))
        {
            Signal(PosixSignals.SIGKILL);
            await WaitForExitAsync(TimeSpan.FromSeconds(5));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }
}
