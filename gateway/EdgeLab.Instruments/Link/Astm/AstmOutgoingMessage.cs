using System.Text;

namespace EdgeLab.Instruments.Link.Astm;

/// <summary>
/// A message to send, cut into frame texts: each record ends with CR; a record that does not fit one frame is split
/// into intermediate ETB frames, and the last frame of every record ends with ETX (LIS01-A2 §6.3.1.1).
/// </summary>
internal sealed class AstmOutgoingMessage
{
    private readonly byte[] _text;
    private readonly List<(int Start, int Length, bool IsFinal)> _frames = [];

    private AstmOutgoingMessage(byte[] text) => _text = text;

    public int FrameCount => _frames.Count;

    /// <summary>Text of frame <paramref name="index"/> (0-based) and whether it ends its record (ETX).</summary>
    public (ReadOnlyMemory<byte> Text, bool IsFinal) Frame(int index)
    {
        var (start, length, isFinal) = _frames[index];
        return (_text.AsMemory(start, length), isFinal);
    }

    /// <summary>The records joined, each with its CR, as the receiver will see them.</summary>
    public ReadOnlyMemory<byte> Text => _text;

    /// <summary>
    /// Encodes and splits <paramref name="records"/>. A record may not contain CR (it ends records) or any character
    /// LIS01-A2 §6.3.1.2 restricts; such input is a defect of the caller and is refused with where it is.
    /// </summary>
    public static AstmOutgoingMessage Create(IReadOnlyList<string> records, Encoding encoding, int maxFrameSize)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) throw new ArgumentException("a message has at least one record", nameof(records));
        var maxText = maxFrameSize - AstmControl.FrameOverhead;
        if (maxText < 1) throw new ArgumentOutOfRangeException(nameof(maxFrameSize), maxFrameSize, "frame size too small");

        var encoded = new byte[records.Sum(r => encoding.GetByteCount(r) + 1)];
        var message = new AstmOutgoingMessage(encoded);
        var at = 0;
        for (var r = 0; r < records.Count; r++)
        {
            var start = at;
            at += encoding.GetBytes(records[r], encoded.AsSpan(at));
            var bad = encoded.AsSpan(start, at - start).IndexOfAny(AstmControl.TextStoppers);
            if (bad < 0) bad = encoded.AsSpan(start, at - start).IndexOf(AstmControl.Cr);
            if (bad >= 0)
            {
                throw new ArgumentException(
                    $"record {r + 1} has {AstmControl.Name(encoded[start + bad])} at byte {bad}: not allowed in frame text (LIS01-A2 §6.3.1.2)",
                    nameof(records));
            }
            encoded[at++] = AstmControl.Cr;
            for (var f = start; f < at; f += maxText)
            {
                var length = Math.Min(maxText, at - f);
                message._frames.Add((f, length, f + length == at));
            }
        }
        return message;
    }
}
