namespace EdgeLab.Instruments.Link.Astm;

/// <summary>
/// The transmission control characters of ASTM E1381-95 / CLSI LIS01-A2 (§6.1, Table 1), and the characters the
/// standard forbids inside frame text (§6.3.1.2: "restricted characters").
/// </summary>
internal static class AstmControl
{
    /// <summary>Start of text: opens every frame (LIS01-A2 §6.3.1).</summary>
    public const byte Stx = 0x02;

    /// <summary>End of text: ends the last frame of a record (LIS01-A2 §6.3.1).</summary>
    public const byte Etx = 0x03;

    /// <summary>End of transmission: the termination phase (§6.4); in reply to a frame, a receiver interrupt (§6.3.5).</summary>
    public const byte Eot = 0x04;

    /// <summary>Enquiry: bids for the line in the establishment phase (§6.2).</summary>
    public const byte Enq = 0x05;

    /// <summary>Acknowledge: ready to receive (§6.2.2), or frame received correctly (§6.3.4).</summary>
    public const byte Ack = 0x06;

    /// <summary>Negative acknowledge: not ready (§6.2.4), or frame rejected (§6.3.4).</summary>
    public const byte Nak = 0x15;

    /// <summary>End of transmission block: ends an intermediate frame of a record split across frames (§6.3.1.1).</summary>
    public const byte Etb = 0x17;

    public const byte Cr = 0x0D;
    public const byte Lf = 0x0A;

    /// <summary>
    /// Bytes that may not appear in frame text (LIS01-A2 §6.3.1.2): SOH STX ETX EOT ENQ ACK DLE NAK SYN ETB LF DC1–DC4.
    /// ETX and ETB end the text, STX/ENQ/EOT mean the frame was cut short, the rest make the frame bad.
    /// </summary>
    public static readonly System.Buffers.SearchValues<byte> TextStoppers = System.Buffers.SearchValues.Create(
        [0x01, Stx, Etx, Eot, Enq, Ack, Lf, 0x10, 0x11, 0x12, 0x13, 0x14, Nak, 0x16, Etb]);

    /// <summary>Bytes that mean something outside a frame: the start of a frame or a link control character.</summary>
    public static readonly System.Buffers.SearchValues<byte> LinkCharacters = System.Buffers.SearchValues.Create(
        [Stx, Eot, Enq, Ack, Nak]);

    /// <summary>Frame overhead around the text: STX, FN, ETB/ETX, C1, C2, CR, LF (LIS01-A2 §6.3.1).</summary>
    public const int FrameOverhead = 7;

    /// <summary>E1381-95 frame limit: 240 text characters, 247 bytes with the envelope (LIS01-A2 §6.3.1.1 note).</summary>
    public const int E1381MaxFrameSize = 247;

    /// <summary>LIS01-A2 frame limit: 63,993 text characters, 64,000 bytes with the envelope (§6.3.1.1).</summary>
    public const int Lis01A2MaxFrameSize = 64_000;

    public static string Name(byte b) => b switch
    {
        Stx => "STX",
        Etx => "ETX",
        Eot => "EOT",
        Enq => "ENQ",
        Ack => "ACK",
        Nak => "NAK",
        Etb => "ETB",
        Cr => "CR",
        Lf => "LF",
        _ => $"0x{b:X2}",
    };
}
