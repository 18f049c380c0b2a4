namespace EdgeLab.Instruments.Transport;

/// <summary>Parity bit of a serial character frame.</summary>
public enum SerialParity
{
    None,
    Even,
    Odd,
}

/// <summary>Flow control: none, hardware RTS/CTS, or software XON/XOFF (DC1/DC3).</summary>
public enum SerialHandshake
{
    None,
    RtsCts,
    XonXoff,
}

/// <summary>
/// How one analyzer's RS-232 line is set up, e.g. 9600 8N1 without flow control (the LIS01-A2 §5 default).
/// </summary>
/// <param name="Path">Device path; prefer stable <c>/dev/serial/by-id/…</c> links over <c>/dev/ttyUSBn</c>, which renumber on replug.</param>
public sealed record SerialPortSettings(
    string Path,
    int BaudRate = 9600,
    int DataBits = 8,
    SerialParity Parity = SerialParity.None,
    int StopBits = 1,
    SerialHandshake Handshake = SerialHandshake.None)
{
    /// <summary>Short form for logs and status: <c>/dev/ttyUSB0 9600 8N1</c>.</summary>
    public override string ToString() =>
        $"{Path} {BaudRate} {DataBits}{Parity.ToString()[0]}{StopBits}" +
        (Handshake == SerialHandshake.None ? "" : Handshake == SerialHandshake.RtsCts ? " rts/cts" : " xon/xoff");

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad setting and what is allowed.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path)) throw new ArgumentException("serial device path is empty: set it to e.g. /dev/serial/by-id/usb-FTDI_…", nameof(Path));
        if (BaudRate is < KernelTermios2.MinimumBaud or > KernelTermios2.MaximumBaud)
            throw new ArgumentException($"baud rate {BaudRate} is not supported: use {KernelTermios2.MinimumBaud} to {KernelTermios2.MaximumBaud}, e.g. 9600 or 250000 (any rate the adapter can divide to)", nameof(BaudRate));
        if (DataBits is not (7 or 8)) throw new ArgumentException($"data bits {DataBits} is not supported: use 7 or 8", nameof(DataBits));
        if (StopBits is not (1 or 2)) throw new ArgumentException($"stop bits {StopBits} is not supported: use 1 or 2", nameof(StopBits));
    }

    /// <summary>Applies these settings to a termios block already made raw.</summary>
    internal void ApplyTo(ref KernelTermios2 t)
    {
        t.MakeRaw();
        t.SetSpeed(BaudRate);
        t.ControlFlags &= ~(KernelTermios2.CSIZE | KernelTermios2.PARENB | KernelTermios2.PARODD | KernelTermios2.CSTOPB | KernelTermios2.CRTSCTS);
        t.ControlFlags |= DataBits == 7 ? KernelTermios2.CS7 : KernelTermios2.CS8;
        if (Parity != SerialParity.None)
        {
            t.ControlFlags |= KernelTermios2.PARENB;
            t.InputFlags |= KernelTermios2.INPCK;
        }
        if (Parity == SerialParity.Odd) t.ControlFlags |= KernelTermios2.PARODD;
        if (StopBits == 2) t.ControlFlags |= KernelTermios2.CSTOPB;
        if (Handshake == SerialHandshake.RtsCts) t.ControlFlags |= KernelTermios2.CRTSCTS;
        if (Handshake == SerialHandshake.XonXoff) t.InputFlags |= KernelTermios2.IXON | KernelTermios2.IXOFF;
        unsafe
        {
            // Non-blocking reads driven by poll(): return whatever is there, never wait inside read(2).
            t.ControlChars[KernelTermios2.VMIN] = 0;
            t.ControlChars[KernelTermios2.VTIME] = 0;
            t.ControlChars[KernelTermios2.VSTART] = 0x11; // DC1 = XON
            t.ControlChars[KernelTermios2.VSTOP] = 0x13;  // DC3 = XOFF
        }
    }
}
