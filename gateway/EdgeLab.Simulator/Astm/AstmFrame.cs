namespace EdgeLab.Simulator.Astm;

/// <summary>
/// One LIS01-A2 frame on the wire: <c>&lt;STX&gt; FN text &lt;ETB|ETX&gt; C1 C2 &lt;CR&gt;&lt;LF&gt;</c> (§6.3.1).
/// </summary>
/// <param name="Number">Frame number digit 0…7: first frame of a transfer is 1, then +1 modulo 8 (§6.3.2).</param>
/// <param name="Text">Frame text in wire bytes (latin1 1:1), at most the frame size less 7 bytes.</param>
/// <param name="IsLast">Whether this frame ends with ETX (end of a record's text) rather than ETB (intermediate).</param>
internal sealed record AstmFrame(int Number, byte[] Text, bool IsLast)
{
    /// <summary>Sum of the bytes from FN through ETB/ETX, modulo 256 (LIS01-A2 §6.3.3).</summary>
    public byte Checksum
    {
        get
        {
            var sum = (byte)('0' + Number);
            foreach (var b in Text) sum += b;
            sum += IsLast ? AstmControl.Etx : AstmControl.Etb;
            return sum;
        }
    }

    /// <summary>The bytes to write; <paramref name="corruptChecksum"/> sends a wrong (but well-formed) checksum for fault injection.</summary>
    public byte[] ToWire(bool corruptChecksum = false)
    {
        var wire = new byte[Text.Length + 7];
        wire[0] = AstmControl.Stx;
        wire[1] = (byte)('0' + Number);
        Text.CopyTo(wire, 2);
        var i = 2 + Text.Length;
        wire[i++] = IsLast ? AstmControl.Etx : AstmControl.Etb;
        var checksum = corruptChecksum ? (byte)(Checksum ^ 0x5A) : Checksum;
        wire[i++] = HexDigit(checksum >> 4);
        wire[i++] = HexDigit(checksum & 0xF);
        wire[i++] = AstmControl.Cr;
        wire[i] = AstmControl.Lf;
        return wire;
    }

    /// <summary>Checksum digits are upper-case hexadecimal (LIS01-A2 §6.3.3).</summary>
    private static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);

    /// <summary>
    /// Splits records into frames as an instrument does: each record starts a new frame; its text plus the record
    /// terminator CR goes out in chunks of at most <c>frameSize - 7</c> bytes, intermediate chunks ending in ETB and
    /// the last one in ETX (LIS01-A2 §6.3.1; E1381-95's 247-byte frames hold 240 text bytes, LIS01-A2's 64,000 hold 63,993).
    /// Frame numbers continue from <paramref name="firstNumber"/> modulo 8.
    /// </summary>
    public static List<AstmFrame> Split(IEnumerable<byte[]> records, int frameSize, int firstNumber = 1)
    {
        var room = AstmControl.TextRoom(frameSize);
        if (room < 1) throw new ArgumentOutOfRangeException(nameof(frameSize), $"frame size {frameSize} leaves no room for text: use 247 or 64000");
        var frames = new List<AstmFrame>();
        var number = firstNumber;
        foreach (var record in records)
        {
            var text = new byte[record.Length + 1];
            record.CopyTo(text, 0);
            text[^1] = AstmControl.Cr;
            for (var offset = 0; offset < text.Length; offset += room)
            {
                var length = Math.Min(room, text.Length - offset);
                frames.Add(new AstmFrame(number, text[offset..(offset + length)], offset + length == text.Length));
                number = (number + 1) % 8;
            }
        }
        return frames;
    }
}
