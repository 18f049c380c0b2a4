using System.Runtime.InteropServices;
using EdgeLab.Instruments.Detection;
using EdgeLab.Instruments.Transport;

namespace EdgeLab.Instruments.Tests.Support;

/// <summary>
/// The analyzer's end of a socat pty pair, made to behave like an RS-232 line with a rate: before each write it looks
/// at the rate the gateway's end is set to right now (TCGETS2 on a second descriptor of the gateway's pty — allowed
/// to root despite TIOCEXCL; it never reads, so it takes no bytes) and, when that is not the analyzer's rate, writes
/// what a UART at the gateway's rate would read (<see cref="UartLineModel"/>) instead of the analyzer's bytes. So the
/// gateway's auto-baud scan really must find the analyzer's rate. The gateway's replies pass unchanged: it sends only
/// once it listens at the analyzer's rate, which is what the tests check.
/// </summary>
internal sealed class EmulatedWire : IAsyncDisposable
{
    private readonly Stream _analyzer;
    private readonly int _observer;
    private readonly LineSetting _setting;

    private EmulatedWire(Stream analyzer, int observer, LineSetting setting)
    {
        _analyzer = analyzer;
        _observer = observer;
        _setting = setting;
    }

    public Stream Analyzer => _analyzer;

    /// <summary>Bytes written that the gateway read as framing garbage (it listened at another rate).</summary>
    public int MisframedWrites { get; private set; }

    public static EmulatedWire Open(string analyzerEnd, string gatewayEnd, LineSetting analyzer)
    {
        var stream = new SerialTransport(analyzer.ToPortSettings(analyzerEnd)).Open();
        var fd = open(new FileInfo(gatewayEnd).ResolveLinkTarget(true)?.FullName ?? gatewayEnd, ORdOnly | ONoCtty | ONonBlock);
        if (fd < 0) throw new IOException($"cannot watch {gatewayEnd}: errno {Marshal.GetLastPInvokeError()} (the test needs root to open a TIOCEXCL pty)");
        return new EmulatedWire(stream, fd, analyzer);
    }

    /// <summary>The gateway end's input rate now (struct termios2 c_ispeed: the kernel keeps it numeric for every rate).</summary>
    public int GatewayRate()
    {
        var t = new byte[44];
        if (ioctl(_observer, Tcgets2, t) != 0) throw new IOException($"TCGETS2 failed: errno {Marshal.GetLastPInvokeError()}");
        return BitConverter.ToInt32(t, 36);
    }

    /// <summary>
    /// Writes that the gateway's rate changed under: the bytes were shaped for the rate seen before the write but may
    /// have been read at the next one — a clean bid heard at a wrong rate, which a real UART never delivers. A test
    /// that fails after such a write has met the limit of the emulation, not a defect of the gateway.
    /// </summary>
    public int StraddledWrites { get; private set; }

    public async Task WriteAsync(byte[] bytes, CancellationToken ct = default)
    {
        var rate = GatewayRate();
        if (rate != _setting.Baud)
        {
            MisframedWrites++;
            bytes = UartLineModel.Relay(bytes, _setting, LineSetting.EightNone(rate));
        }
        await _analyzer.WriteAsync(bytes, ct);
        await _analyzer.FlushAsync(ct);
        if (GatewayRate() != rate) StraddledWrites++;
    }

    public async ValueTask DisposeAsync()
    {
        _ = close(_observer);
        await _analyzer.DisposeAsync();
    }

    private const int ORdOnly = 0;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    // _IOR('T', 0x2A, struct termios2) on x86-64 and aarch64 (44-byte struct).
    private const ulong Tcgets2 = 0x802C542A;

    [DllImport("libc", SetLastError = true)]
    private static extern int open(string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int ioctl(int fd, ulong request, byte[] termios2);
}
