using System.IO.Ports;

namespace EdgeLab.Simulator.Wire;

/// <summary>
/// The simulated analyzer's end of a serial cable through System.IO.Ports, an implementation independent of the
/// gateway's termios transport (gateway/EdgeLab.Instruments/Transport), so tests that drive the gateway over a pty
/// check our transport against someone else's. Only the simulator takes the package; the gateway (Native AOT) keeps
/// its own transport, because System.IO.Ports does not notice a hang-up and its <c>Close()</c> can block after an
/// unplug (shared/ENVIRONMENT.md). Closing therefore waits a bounded time and then leaves the port to the finalizer.
/// </summary>
internal sealed class SystemSerialPortLine : IAsyncDisposable
{
    private static readonly TimeSpan ClosePatience = TimeSpan.FromSeconds(2);
    private readonly SerialPort _port;

    private SystemSerialPortLine(SerialPort port) => _port = port;

    /// <summary>The port's duplex stream (SerialPort.BaseStream).</summary>
    public Stream Stream => _port.BaseStream;

    /// <summary>Opens <paramref name="path"/> (a symlink such as a socat <c>link=</c> is followed) at 8N1, no flow control.</summary>
    public static SystemSerialPortLine Open(string path, int baudRate)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"serial device {path} not found: is the adapter plugged in? check ls -l /dev/serial/by-id", path);
        var port = new SerialPort(path, baudRate, Parity.None, 8, StopBits.One) { Handshake = Handshake.None };
        try
        {
            port.Open();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or ArgumentException)
        {
            port.Dispose();
            throw new IOException($"cannot open serial device {path} at {baudRate} 8N1: {e.Message}", e);
        }
        // Whatever a previous session left in the buffers is not ours (LIS01-A2 §6.1 neutral state).
        port.DiscardInBuffer();
        port.DiscardOutBuffer();
        return new SystemSerialPortLine(port);
    }

    public async ValueTask DisposeAsync()
    {
        var close = Task.Run(_port.Dispose);
        try
        {
            await close.WaitAsync(ClosePatience).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The cable was pulled while the port was open: System.IO.Ports may block in Close() for good.
            // The simulator is a short-lived process; leave that thread behind rather than hang its exit.
        }
    }
}
