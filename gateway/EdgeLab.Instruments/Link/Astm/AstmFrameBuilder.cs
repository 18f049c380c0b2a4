namespace EdgeLab.Instruments.Link.Astm;

/// <summary>
/// Writes frames the way LIS01-A2 §6.3 lays them out, byte by byte:
/// <code>
/// STX            0x02
/// FN             '0'..'7': frame number modulo 8, the first frame of a transmission is 1 (§6.3.2)
/// text           at most MaxFrameSize − 7 bytes (240 for E1381-95, 63,993 for LIS01-A2, §6.3.1.1)
/// ETB | ETX      ETB: more of this record follows in the next frame; ETX: the record ends here
/// C1 C2          checksum of FN..ETB/ETX as two upper-case hex digits (§6.3.3)
/// CR LF
/// </code>
/// </summary>
internal static class AstmFrameBuilder
{
    public static int FrameLength(int textLength) => textLength + AstmControl.FrameOverhead;

    /// <summary>Writes one frame into <paramref name="destination"/> and returns its length.</summary>
    public static int Write(Span<byte> destination, int frameNumber, ReadOnlySpan<byte> text, bool isFinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frameNumber);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frameNumber, 7);
        var length = FrameLength(text.Length);
        if (destination.Length < length) throw new ArgumentException($"a frame of {text.Length} text bytes needs {length} bytes", nameof(destination));

        destination[0] = AstmControl.Stx;
        destination[1] = (byte)('0' + frameNumber);
        text.CopyTo(destination[2..]);
        var terminator = 2 + text.Length;
        destination[terminator] = isFinal ? AstmControl.Etx : AstmControl.Etb;
        AstmChecksum.Format(AstmChecksum.Compute(destination[1..(terminator + 1)]), destination[(terminator + 1)..]);
        destination[terminator + 3] = AstmControl.Cr;
        destination[terminator + 4] = AstmControl.Lf;
        return length;
    }

    public static byte[] Build(int frameNumber, ReadOnlySpan<byte> text, bool isFinal)
    {
        var frame = new byte[FrameLength(text.Length)];
        Write(frame, frameNumber, text, isFinal);
        return frame;
    }

    /// <summary>The next frame number after <paramref name="frameNumber"/>: 1, 2, … 7, 0, 1, … (LIS01-A2 §6.3.2).</summary>
    public static int Next(int frameNumber) => (frameNumber + 1) & 7;
}
