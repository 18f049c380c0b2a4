using EdgeLab.LocalServices;
using MimeKit;

namespace EdgeLab.Hub.Tests.Support;

/// <summary>
/// A real SMTP server: Debian's <c>python3-aiosmtpd</c> on a loopback port, writing each mail it accepts into a
/// Maildir (deploy/install-web-test-deps.sh installs it). Stopped by pid. <see cref="StartAsync"/> with a port taken
/// earlier restarts a server on the same port ("the SMTP server is back").
/// </summary>
internal sealed class SmtpTestServer : IAsyncDisposable
{
    /// <summary>Debian's interpreter: another python3 on PATH (pyenv) may lack the module.</summary>
    public const string Python = "/usr/bin/python3";

    private readonly ChildProcess _process;
    private readonly ScratchDirectory _dir;

    private SmtpTestServer(ChildProcess process, ScratchDirectory dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }
    public string Maildir => _dir.File("maildir");

    public static async Task<SmtpTestServer> StartAsync(int? port = null)
    {
        var p = port ?? FreeTcpPort.Next();
        var dir = new ScratchDirectory("smtp");
        var process = ChildProcess.Start(Python, ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{p}", "-c", "aiosmtpd.handlers.Mailbox", dir.File("maildir")], name: "aiosmtpd");
        try
        {
            await FreeTcpPort.WaitUntilListeningAsync(p, TimeSpan.FromSeconds(15), () => !process.HasExited);
        }
        catch (TimeoutException ex)
        {
            var output = process.Output;
            await process.DisposeAsync();
            dir.Dispose();
            throw new InvalidOperationException($"aiosmtpd did not start on 127.0.0.1:{p} (apt-get install python3-aiosmtpd; deploy/install-web-test-deps.sh): {output}", ex);
        }
        return new SmtpTestServer(process, dir, p);
    }

    /// <summary>The mails delivered so far, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var folder = Path.Combine(Maildir, "new");
        if (!Directory.Exists(folder)) return [];
        return Directory.GetFiles(folder).Select(f => (File: f, At: File.GetLastWriteTimeUtc(f))).OrderBy(f => f.At).ThenBy(f => f.File, StringComparer.Ordinal)
            .Select(f => MimeMessage.Load(f.File)).ToList();
    }

    /// <summary>Waits until <paramref name="count"/> mails arrived (the hub's sweep sends in the background).</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var messages = Messages();
            if (messages.Count >= count) return messages;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{messages.Count} of {count} mails arrived at the SMTP server on port {Port}");
            await Task.Delay(50);
        }
    }

    /// <summary>The 6-digit code in the newest mail to <paramref name="to"/>.</summary>
    public async Task<string> CodeAsync(string to, int expectedCount)
    {
        var mail = (await WaitForAsync(expectedCount)).Last(m => m.To.Mailboxes.Any(b => b.Address == to));
        return System.Text.RegularExpressions.Regex.Match(mail.TextBody ?? "", @"\b(\d{6})\b").Groups[1].Value;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _dir.Dispose();
    }
}
