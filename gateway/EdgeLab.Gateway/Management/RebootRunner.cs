using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Management;

/// <summary>
/// The hub's <c>reboot</c> command (issue 12 §5): waits until the reply has reached the broker (or a few seconds), then
/// runs <c>management.rebootCommand</c> (default <c>systemctl reboot</c>). The outbox is on disk, so nothing is lost by
/// the reboot; systemd stops the gateway cleanly on the way down. A command that cannot start is logged, never thrown.
/// </summary>
internal sealed partial class RebootRunner(ILogger log)
{
    /// <summary>The reply gets this long to be acknowledged before the reboot goes ahead anyway.</summary>
    public static readonly TimeSpan ReplyGrace = TimeSpan.FromSeconds(5);

    public async Task RunAfterReplyAsync(string commandLine, Task replied)
    {
        try
        {
            await replied.WaitAsync(ReplyGrace).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Rebooting anyway: the hub sees the command time out, then the gateway come back.
        }
        var parts = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var start = new ProcessStartInfo(parts[0]) { UseShellExecute = false };
        foreach (var arg in parts.Skip(1)) start.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("no process started");
            Started(log, commandLine, process.Id);
            await process.WaitForExitAsync().ConfigureAwait(false);
            if (process.ExitCode != 0) Failed(log, commandLine, $"exit code {process.ExitCode}");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            Failed(log, commandLine, ex.Message);
        }
    }

    [LoggerMessage(1501, LogLevel.Warning, "Rebooting on the hub's command: '{CommandLine}' started (pid {Pid})")]
    private static partial void Started(ILogger logger, string commandLine, int pid);

    [LoggerMessage(1502, LogLevel.Error, "Reboot command '{CommandLine}' failed: {Reason}")]
    private static partial void Failed(ILogger logger, string commandLine, string reason);
}
