using System.Text;
using EdgeLab.Instruments.Transport;
using EdgeLab.LocalServices;

namespace EdgeLab.Instruments.Tests.Transport;

/// <summary>The termios serial port over real pseudo-terminals made by socat (a null-modem cable without hardware).</summary>
public sealed class SerialTransportTests
{
    [Fact]
    public async Task Exchanges_bytes_both_ways_through_a_socat_pty_pair()
    {
        await using var cable = await SocatPtyPair.StartAsync();
        await using var analyzer = new SerialTransport(new SerialPortSettings(cable.InstrumentEnd, 9600)).Open();
        await using var gateway = await new SerialTransport(new SerialPortSettings(cable.GatewayEnd, 9600)).OpenAsync(CancellationToken.None);

        // Every control byte an ASTM or MLLP link uses must pass untouched (raw mode: no CR→LF, no XON/XOFF eaten).
        var payload = new byte[] { 0x05, 0x02, (byte)'1', (byte)'H', 0x0D, 0x03, 0x0A, 0x11, 0x13, 0x0B, 0x1C, 0x04, 0x00, 0xFF };
        await analyzer.WriteAsync(payload);
        Assert.Equal(payload, await ReadExactlyAsync(gateway, payload.Length));

        var reply = Encoding.ASCII.GetBytes("\x06ok\r\n");
        await gateway.WriteAsync(reply);
        Assert.Equal(reply, await ReadExactlyAsync(analyzer, reply.Length));
    }

    [Theory]
    [InlineData(9600, 8, SerialParity.None, 1, SerialHandshake.None)]
    [InlineData(19200, 7, SerialParity.Even, 2, SerialHandshake.None)]
    [InlineData(115200, 8, SerialParity.Odd, 1, SerialHandshake.XonXoff)]
    public async Task Applies_the_line_settings_with_termios(int baud, int dataBits, SerialParity parity, int stopBits, SerialHandshake handshake)
    {
        await using var cable = await SocatPtyPair.StartAsync();
        var settings = new SerialPortSettings(cable.GatewayEnd, baud, dataBits, parity, stopBits, handshake);
        await using var port = new SerialTransport(settings).Open();

        // Read back from the kernel. Linux's pty driver forces CS8 and clears PARENB (pty_set_termios), so character
        // size and parity are checked on the termios block itself in Settings_map_to_termios_flags below.
        var t = ReadTermios(port);
        Assert.Equal(KernelTermios2.SpeedCode(baud), t.ControlFlags & KernelTermios2.CBAUD);
        Assert.Equal(stopBits == 2, (t.ControlFlags & KernelTermios2.CSTOPB) != 0);
        Assert.Equal(handshake == SerialHandshake.XonXoff, (t.InputFlags & KernelTermios2.IXON) != 0);
        Assert.Equal(0u, t.LocalFlags & (KernelTermios2.ICANON | KernelTermios2.ECHO | KernelTermios2.ISIG));
        Assert.Equal(0u, t.InputFlags & (KernelTermios2.ICRNL | KernelTermios2.INLCR | KernelTermios2.IGNCR));
        Assert.Equal(0u, t.OutputFlags & KernelTermios2.OPOST);
    }

    [Theory]
    [InlineData(8, SerialParity.None, 1, SerialHandshake.None, KernelTermios2.CS8)]
    [InlineData(7, SerialParity.Even, 2, SerialHandshake.RtsCts, KernelTermios2.CS7 | KernelTermios2.PARENB | KernelTermios2.CSTOPB | KernelTermios2.CRTSCTS)]
    [InlineData(8, SerialParity.Odd, 1, SerialHandshake.None, KernelTermios2.CS8 | KernelTermios2.PARENB | KernelTermios2.PARODD)]
    public void Settings_map_to_termios_flags(int dataBits, SerialParity parity, int stopBits, SerialHandshake handshake, uint expected)
    {
        var t = new KernelTermios2 { ControlFlags = KernelTermios2.HUPCL | KernelTermios2.PARODD | KernelTermios2.CS5, LocalFlags = KernelTermios2.ICANON | KernelTermios2.ECHO };
        new SerialPortSettings("/dev/ttyS0", 9600, dataBits, parity, stopBits, handshake).ApplyTo(ref t);
        const uint line = KernelTermios2.CSIZE | KernelTermios2.PARENB | KernelTermios2.PARODD | KernelTermios2.CSTOPB | KernelTermios2.CRTSCTS;
        Assert.Equal(expected, t.ControlFlags & line);
        Assert.Equal(KernelTermios2.CREAD | KernelTermios2.CLOCAL, t.ControlFlags & (KernelTermios2.CREAD | KernelTermios2.CLOCAL));
        Assert.Equal(parity != SerialParity.None, (t.InputFlags & KernelTermios2.INPCK) != 0);
        Assert.Equal(0u, t.LocalFlags);
    }

    [Fact]
    public async Task A_missing_device_says_to_check_the_adapter()
    {
        var transport = new SerialTransport(new SerialPortSettings("/dev/serial/by-id/usb-FTDI_not_plugged_in-if00-port0"));
        var error = await Assert.ThrowsAsync<FileNotFoundException>(async () => await transport.OpenAsync(CancellationToken.None));
        Assert.Contains("not found: is the adapter plugged in?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_tty_is_refused_with_the_reason()
    {
        var error = Assert.Throws<IOException>(() => new SerialTransport(new SerialPortSettings("/dev/null")).Open());
        Assert.Contains("is not a serial device", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(49, 8, 1)]
    [InlineData(4_000_001, 8, 1)]
    [InlineData(9600, 6, 1)]
    [InlineData(9600, 8, 3)]
    public void Unsupported_settings_are_refused_with_what_is_allowed(int baud, int dataBits, int stopBits)
    {
        var error = Assert.Throws<ArgumentException>(() => new SerialTransport(new SerialPortSettings("/dev/ttyUSB0", baud, dataBits, SerialParity.None, stopBits)));
        Assert.Contains("use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pending_read_ends_when_cancelled()
    {
        await using var cable = await SocatPtyPair.StartAsync();
        await using var port = new SerialTransport(new SerialPortSettings(cable.GatewayEnd)).Open();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var started = DateTime.UtcNow;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await port.ReadAsync(new byte[16], cts.Token));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Unplugging_the_cable_ends_reads_with_a_hang_up_error()
    {
        var cable = await SocatPtyPair.StartAsync();
        await using (cable)
        {
            await using var port = new SerialTransport(new SerialPortSettings(cable.GatewayEnd)).Open();
            var read = port.ReadAsync(new byte[16]).AsTask();
            await cable.UnplugAsync();
            var error = await Assert.ThrowsAsync<IOException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Contains("hung up", error.Message, StringComparison.Ordinal);
        }
    }

    private static KernelTermios2 ReadTermios(SerialStream port)
    {
        Assert.Equal(0, LinuxNative.GetTermios2(port.FileDescriptor, out var t));
        return t;
    }

    internal static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await stream.ReadExactlyAsync(buffer, guard.Token);
        return buffer;
    }
}
