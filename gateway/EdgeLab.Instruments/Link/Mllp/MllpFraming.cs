namespace EdgeLab.Instruments.Link.Mllp;

/// <summary>
/// Minimal Lower Layer Protocol block envelope (HL7 v2.5 Appendix C.4.3, MLLP release 1):
/// <c>&lt;VT&gt; message &lt;FS&gt;&lt;CR&gt;</c>.
/// </summary>
public static class MllpFraming
{
    /// <summary>Start block, vertical tab 0x0B.</summary>
    public const byte StartBlock = 0x0B;
    /// <summary>End block, file separator 0x1C.</summary>
    public const byte EndBlock = 0x1C;
    /// <summary>Carriage return 0x0D, which follows the end block.</summary>
    public const byte CarriageReturn = 0x0D;

    /// <summary>Bytes the envelope adds to a message.</summary>
    public const int Overhead = 3;

    /// <summary>Wraps one HL7 message in an MLLP block.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> message)
    {
        var block = new byte[message.Length + Overhead];
        block[0] = StartBlock;
        message.CopyTo(block.AsSpan(1));
        block[^2] = EndBlock;
        block[^1] = CarriageReturn;
        return block;
    }
}
