using System.Runtime.InteropServices;

namespace EdgeLab.Instruments.Transport;

/// <summary>
/// The kernel's <c>struct termios2</c> (include/uapi/asm-generic/termbits.h, used by x86-64 and arm64 alike): four
/// <c>tcflag_t</c> (uint32) flag words, one <c>cc_t</c> line discipline byte, <c>NCCS = 19</c> control characters,
/// then the input and output speeds as plain numbers. Read and written with <c>ioctl(TCGETS2/TCSETS2)</c> so that
/// any baud rate (250000, 31250…) can be set with <see cref="BOTHER"/>, not only the <c>Bnnnn</c> codes glibc's
/// <c>cfsetospeed</c> knows. Sequential layout pads after <c>c_cc</c> to align <c>c_ispeed</c> at offset 36; 44 bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KernelTermios2
{
    public uint InputFlags;
    public uint OutputFlags;
    public uint ControlFlags;
    public uint LocalFlags;
    public byte LineDiscipline;
    public fixed byte ControlChars[19];
    public uint InputSpeed;
    public uint OutputSpeed;

    // c_iflag
    public const uint IGNBRK = 0x1, BRKINT = 0x2, IGNPAR = 0x4, PARMRK = 0x8, INPCK = 0x10, ISTRIP = 0x20;
    public const uint INLCR = 0x40, IGNCR = 0x80, ICRNL = 0x100, IXON = 0x400, IXANY = 0x800, IXOFF = 0x1000;

    // c_oflag
    public const uint OPOST = 0x1;

    // c_cflag
    public const uint CBAUD = 0x100F, CSIZE = 0x30, CS5 = 0x0, CS6 = 0x10, CS7 = 0x20, CS8 = 0x30;
    public const uint CSTOPB = 0x40, CREAD = 0x80, PARENB = 0x100, PARODD = 0x200, HUPCL = 0x400, CLOCAL = 0x800;
    public const uint CRTSCTS = 0x80000000;

    /// <summary><c>BOTHER</c> (octal 0010000): the speed is the number in <c>c_ispeed/c_ospeed</c>, not a code.</summary>
    public const uint BOTHER = 0x1000;

    /// <summary><c>CIBAUD</c> = <c>CBAUD &lt;&lt; IBSHIFT</c> (16): the input speed code; 0 means "same as output".</summary>
    public const uint CIBAUD = CBAUD << 16;

    // c_lflag
    public const uint ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHOE = 0x10, ECHOK = 0x20, ECHONL = 0x40, IEXTEN = 0x8000;

    // c_cc indices (the same in the kernel's 19-entry array and glibc's 32-entry one)
    public const int VTIME = 5, VMIN = 6, VSTART = 8, VSTOP = 9;

    /// <summary>Lowest and highest rate accepted; below 50 no UART runs, above 4 Mbd no USB adapter we know of.</summary>
    public const int MinimumBaud = 50, MaximumBaud = 4_000_000;

    /// <summary>The <c>Bnnnn</c> speed code for a standard baud rate, or null when the rate needs <see cref="BOTHER"/>.</summary>
    public static uint? SpeedCode(int baud) => baud switch
    {
        1200 => 0x9,
        2400 => 0xB,
        4800 => 0xC,
        9600 => 0xD,
        19200 => 0xE,
        38400 => 0xF,
        57600 => 0x1001,
        115200 => 0x1002,
        230400 => 0x1003,
        460800 => 0x1004,
        921600 => 0x1007,
        _ => null,
    };

    /// <summary>
    /// Sets both speeds. Standard rates keep their <c>Bnnnn</c> code (what <c>stty</c> and older drivers expect);
    /// any other rate goes as <c>BOTHER</c> with the number itself, which the driver rounds to its divisor.
    /// </summary>
    public void SetSpeed(int baud)
    {
        ControlFlags &= ~(CBAUD | CIBAUD);
        ControlFlags |= SpeedCode(baud) ?? BOTHER;
        InputSpeed = OutputSpeed = (uint)baud;
    }

    /// <summary>
    /// What <c>cfmakeraw</c> does, spelled out: no input translation or parity marking, no output processing,
    /// no echo, no canonical line editing, no signals. ASTM and MLLP bytes (ENQ, STX, CR…) must pass untouched.
    /// </summary>
    public void MakeRaw()
    {
        InputFlags &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF | IXANY);
        OutputFlags &= ~OPOST;
        LocalFlags &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN | ECHOE | ECHOK);
        ControlFlags &= ~(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
        ControlFlags |= CS8 | CREAD | CLOCAL;
    }
}
