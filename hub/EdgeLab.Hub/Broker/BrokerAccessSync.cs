using System.Globalization;
using System.Runtime.InteropServices;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Broker;

/// <summary>
/// Writes the broker's access files from the registry (atomically: temp file + rename, so Mosquitto never reads half a
/// file) and signals Mosquitto to reload them. Run after every change of a gateway's registration or state.
/// </summary>
internal static partial class BrokerAccessSync
{
    private const int SIGHUP = 1;

    /// <returns>What was done, for the operator.</returns>
    /// <exception cref="IOException">A file cannot be read or written, or the broker cannot be signalled; names which.</exception>
    public static async Task<string> SyncAsync(BrokerAccessOptions options, IGatewayStateStore store, CancellationToken cancellationToken)
    {
        var gateways = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        var baseLines = options.AclBaseFile is { } b ? await ReadAsync(b, "--broker-acl-base", cancellationToken).ConfigureAwait(false) : null;
        await WriteAtomicAsync(options.AclFile, BrokerAccessFiles.RenderAcl(baseLines, gateways), "--broker-acl-file", cancellationToken).ConfigureAwait(false);
        var wrote = $"ACL {options.AclFile}";
        if (options.PasswordFile is { } passwordFile)
        {
            var source = options.PasswordSourceFile ?? throw new ArgumentException("--broker-password-file needs --broker-password-source (the file mosquitto_passwd maintains)");
            var text = await ReadAsync(source, "--broker-password-source", cancellationToken).ConfigureAwait(false);
            await WriteAtomicAsync(passwordFile, BrokerAccessFiles.RenderPasswords(text, gateways), "--broker-password-file", cancellationToken).ConfigureAwait(false);
            wrote += $" and password file {passwordFile}";
        }
        var signalled = options.BrokerPidFile is { } pidFile ? $"; broker pid {await SignalReloadAsync(pidFile, cancellationToken).ConfigureAwait(false)} reloaded (SIGHUP)" : "; no --broker-pid-file: reload the broker yourself (SIGHUP)";
        return $"broker access: wrote {wrote} ({BrokerAccessFiles.Summary(gateways)}){signalled}";
    }

    private static async Task<string> ReadAsync(string path, string option, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{option} {path}: cannot read it: {ex.Message}", ex);
        }
    }

    private static async Task WriteAtomicAsync(string path, string text, string option, CancellationToken ct)
    {
        var temp = path + ".tmp";
        try
        {
            await File.WriteAllTextAsync(temp, text, ct).ConfigureAwait(false);
            // Mosquitto (dropping root to the mosquitto user) must be able to read it; it holds hashes, not passwords.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{option} {path}: cannot write it: {ex.Message}", ex);
        }
    }

    private static async Task<int> SignalReloadAsync(string pidFile, CancellationToken ct)
    {
        var text = await ReadAsync(pidFile, "--broker-pid-file", ct).ConfigureAwait(false);
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 1)
            throw new IOException($"--broker-pid-file {pidFile}: '{text.Trim()}' is not a process id");
        if (Kill(pid, SIGHUP) != 0)
            throw new IOException($"--broker-pid-file {pidFile}: cannot signal pid {pid} (errno {Marshal.GetLastPInvokeError()}); the files are written, reload the broker yourself");
        return pid;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
