using System.Text;

namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// An HL7 v2 message parsed lazily over its bytes: parsing finds the delimiters (MSH-1, MSH-2), the character set
/// (MSH-18) and where each segment starts; fields, repetitions, components and escapes are resolved only when read.
/// </summary>
/// <remarks>
/// Segments end with CR (HL7 v2.5 §2.5.1); LF and CR LF are tolerated because real files and some analyzers use
/// them (the Mindray BC-5380 sample in tests/samples/hl7 is LF-separated). Empty lines are skipped.
/// </remarks>
public sealed class Hl7Message
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly int[] _segments; // start, length pairs
    private readonly Hl7Context _context;

    private Hl7Message(ReadOnlyMemory<byte> bytes, int[] segments, int count, Hl7Context context)
    {
        _bytes = bytes;
        _segments = segments;
        SegmentCount = count;
        _context = context;
    }

    public int SegmentCount { get; }

    public Hl7Delimiters Delimiters => _context.Delimiters;

    /// <summary>The character set MSH-18 named, as resolved for this message.</summary>
    public Encoding Encoding => _context.Encoding;

    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>Segment <paramref name="index"/>, 0-based (MSH is 0).</summary>
    public Hl7Segment this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)SegmentCount, nameof(index));
            var start = _segments[2 * index];
            return new Hl7Segment(_bytes.Slice(start, _segments[2 * index + 1]), _context, index + 1, start);
        }
    }

    public Hl7Segment Header => this[0];

    /// <summary>
    /// Parses the structure of one message. <paramref name="resolveCharacterSet"/> maps MSH-18 to an encoding (the
    /// dialect decides what <c>UNICODE</c> means); it returns null for a character set that cannot be decoded.
    /// Throws only <see cref="Hl7Exception"/>.
    /// </summary>
    public static Hl7Message Parse(ReadOnlyMemory<byte> bytes, Func<string?, Encoding?>? resolveCharacterSet = null)
    {
        var s = bytes.Span;
        // Leading line ends and blanks before MSH are noise some senders add.
        var first = s.IndexOfAnyExcept("\r\n \t"u8);
        if (first < 0)
            throw new Hl7Exception(new Hl7Error(Hl7ErrorKind.Empty, "the message has no segments", ByteOffset: 0));
        if (!s[first..].StartsWith("MSH"u8))
            throw new Hl7Exception(new Hl7Error(Hl7ErrorKind.MissingHeader, "the message does not start with MSH", 1, null, 0, first));
        var delimiters = Hl7Delimiters.Read(s, first);

        var segments = new int[Math.Min(64, s.Length / 2 + 2)];
        var count = 0;
        var at = first;
        while (at < s.Length)
        {
            var rest = s[at..];
            var end = rest.IndexOfAny((byte)'\r', (byte)'\n');
            var len = end < 0 ? rest.Length : end;
            if (len > 0)
            {
                var seg = rest[..len];
                if (seg.Length < 3 || !IsIdByte(seg[0]) || !IsIdByte(seg[1]) || !IsIdByte(seg[2]) || (seg.Length > 3 && seg[3] != delimiters.Field))
                    throw new Hl7Exception(new Hl7Error(Hl7ErrorKind.InvalidSegmentId,
                        "a segment must start with a three-character id followed by the field separator",
                        count + 1, null, 0, at));
                if (2 * count + 2 > segments.Length) Array.Resize(ref segments, segments.Length * 2);
                segments[2 * count] = at;
                segments[2 * count + 1] = len;
                count++;
            }
            at += len + 1;
        }

        // MSH-18 is read with a provisional ASCII context: only the name of the character set is needed.
        var provisional = new Hl7Context(delimiters, Encoding.Latin1);
        var header = new Hl7Segment(bytes.Slice(segments[0], segments[1]), provisional, 1, segments[0]);
        var msh18 = header.Field(18).Repetition(0);
        var name = msh18.TextOrNull;
        var encoding = resolveCharacterSet is null ? DefaultCharacterSet(name) : resolveCharacterSet(name);
        if (encoding is null)
            throw new Hl7Exception(new Hl7Error(Hl7ErrorKind.UnsupportedCharacterSet,
                $"MSH-18 character set '{name}' is not supported", 1, "MSH", 18, msh18.Offset));
        return new Hl7Message(bytes, segments, count, new Hl7Context(delimiters, encoding));
    }

    private static Encoding? DefaultCharacterSet(string? name) => Hl7CharacterSet.Resolve(name, "UTF-8", "ASCII");

    private static bool IsIdByte(byte b) => b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9';

    /// <summary>The segments in order.</summary>
    public IEnumerable<Hl7Segment> Segments
    {
        get
        {
            for (var i = 0; i < SegmentCount; i++) yield return this[i];
        }
    }

    /// <summary>The first segment with this id, or null.</summary>
    public Hl7Segment? Find(ReadOnlySpan<byte> id)
    {
        for (var i = 0; i < SegmentCount; i++)
        {
            var seg = this[i];
            if (seg.Is(id)) return seg;
        }
        return null;
    }
}
