using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace EdgeLab.Gateway.Hosting;

/// <summary>
/// The sd_notify(3) protocol, without libsystemd: one datagram per state to the Unix socket systemd names in
/// <c>NOTIFY_SOCKET</c> (a leading <c>@</c> means the abstract namespace). <c>READY=1</c> once the gateway has started
/// (the unit is <c>Type=notify</c>, so dependants and the update trial's restart wait for it), then <c>WATCHDOG=1</c>
/// every half <c>WATCHDOG_USEC</c> (sd_watchdog_enabled(3) advises half): a gateway whose timers no longer run —
/// a hung process, not just a dead one — is killed and restarted by systemd (<c>WatchdogSec=</c>).
/// Without <c>NOTIFY_SOCKET</c> (tests, a shell) it does nothing.
/// </summary>
internal sealed class SystemdNotifier : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _target;
    private readonly TimeSpan? _watchdogInterval;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private Task _watchdog = Task.CompletedTask;

    private SystemdNotifier(string path, TimeSpan? watchdogInterval, TimeProvider time)
    {
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _target = new UnixDomainSocketEndPoint(path.StartsWith('@') ? "\0" + path[1..] : path);
        _watchdogInterval = watchdogInterval;
        _time = time;
    }

    /// <summary>From systemd's environment; null when not started by systemd with <c>Type=notify</c>.</summary>
    public static SystemdNotifier? FromEnvironment(TimeProvider time)
    {
        var path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }
        TimeSpan? interval = null;
        // WATCHDOG_PID, when set, names the process the watchdog is meant for (sd_watchdog_enabled(3)).
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) && usec > 0
            && (string.IsNullOrEmpty(pid) || pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture)))
        {
            interval = TimeSpan.FromMicroseconds(usec / 2.0);
        }
        return new SystemdNotifier(path, interval, time);
    }

    /// <summary>Sends <c>READY=1</c> and starts the watchdog pings.</summary>
    public void Ready()
    {
        Send("READY=1");
        if (_watchdogInterval is { } interval)
        {
            _watchdog = PingAsync(interval, _stop.Token);
        }
    }

    public void Stopping() => Send("STOPPING=1");

    private async Task PingAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Send("WATCHDOG=1");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Send(string state)
    {
        try
        {
            _socket.SendTo(Encoding.ASCII.GetBytes(state), _target);
        }
        catch (SocketException)
        {
            // systemd gone (shutdown) or the socket replaced: nothing to tell, and no reason to stop the gateway.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _watchdog.ConfigureAwait(false);
        _stop.Dispose();
        _socket.Dispose();
    }
}
