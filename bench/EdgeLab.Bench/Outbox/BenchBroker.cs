using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeLab.Bench.Outbox;

/// <summary>A real Mosquitto on a free loopback port for the drain benchmark, stopped by its pid.</summary>
internal sealed class BenchBroker : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private BenchBroker(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public static async Task<BenchBroker> StartAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"edgelab-bench-mosq-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(dir);
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var config = Path.Combine(dir, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"user root\nlistener {port} 127.0.0.1\nallow_anonymous true\nlog_dest stderr\nlog_type error\nmax_queued_messages 200000\n");
        var process = Process.Start(new ProcessStartInfo("/usr/sbin/mosquitto", ["-c", config]) { RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException("cannot start /usr/sbin/mosquitto (apt-get install -y mosquitto)");
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return new BenchBroker(process, dir, port);
            }
            catch (SocketException)
            {
                await Task.Delay(25);
            }
        }
        process.Kill();
        throw new InvalidOperationException($"mosquitto did not listen on 127.0.0.1:{port}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
