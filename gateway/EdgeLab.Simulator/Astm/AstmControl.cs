namespace EdgeLab.Simulator.Astm;

/// <summary>
/// The simulator's own copy of the ASTM E1381 / CLSI LIS01-A2 control characters. The simulator deliberately shares
/// no link-layer code with the gateway (gateway/EdgeLab.Instruments/Link/Astm): two independent implementations
/// of the standard make the interop tests between them mean something.
/// </summary>
internal static class AstmControl
{
    public const byte Stx = 0x02;
    public const byte Etx = 0x03;
    public const byte Eot = 0x04;
    public const byte Enq = 0x05;
    public const byte Ack = 0x06;
    public const byte Lf = 0x0A;
    public const byte Cr = 0x0D;
    public const byte Nak = 0x15;
    public const byte Etb = 0x17;

    /// <summary>LIS01-A2 §6.5.2.1: sender's wait for a reply to ENQ or to a frame.</summary>
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(15);
    /// <summary>LIS01-A2 §6.2.5: after a NAK to its ENQ the sender waits at least 10 s before the next ENQ.</summary>
    public static readonly TimeSpan NakOnEnqWait = TimeSpan.FromSeconds(10);
    /// <summary>LIS01-A2 §6.2.6: on contention the instrument (which has priority) waits at least 1 s before re-sending ENQ.</summary>
    public static readonly TimeSpan InstrumentContentionWait = TimeSpan.FromSeconds(1);
    /// <summary>LIS01-A2 §6.5.2.2: a receiver waits 30 s for the next frame, then discards the incomplete message.</summary>
    public static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(30);
    /// <summary>LIS01-A2 §6.3.5: after honouring a receiver interrupt the old sender keeps off the line up to 15 s.</summary>
    public static readonly TimeSpan InterruptYield = TimeSpan.FromSeconds(15);
    /// <summary>LIS01-A2 §6.5.1.2: a frame is sent at most six times; the sixth NAK aborts the message.</summary>
    public const int MaxFrameTransmissions = 6;

    /// <summary>Frame text room for a frame size: size less STX, FN, ETB/ETX, C1, C2, CR, LF (LIS01-A2 §6.3.1).</summary>
    public static int TextRoom(int frameSize) => frameSize - 7;

    public static string Name(byte b) => b switch
    {
        Stx => "<STX>",
        Etx => "<ETX>",
        Eot => "<EOT>",
        Enq => "<ENQ>",
        Ack => "<ACK>",
        Nak => "<NAK>",
        Etb => "<ETB>",
        Cr => "<CR>",
        Lf => "<LF>",
        _ => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"<0x{b:X2}>",
    };
}
