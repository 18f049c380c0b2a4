namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// One segment of a parsed message (HL7 v2.5 §2.5.1): a three-character id followed by fields separated by MSH-1.
/// A view over the message bytes; fields are found when asked for.
/// </summary>
public readonly struct Hl7Segment
{
    private readonly ReadOnlyMemory<byte> _raw;
    private readonly Hl7Context _context;

    internal Hl7Segment(ReadOnlyMemory<byte> raw, Hl7Context context, int index, int offset)
    {
        _raw = raw;
        _context = context;
        Index = index;
        Offset = offset;
    }

    /// <summary>Position in the message, counting MSH as 1.</summary>
    public int Index { get; }

    /// <summary>Byte offset of the segment id from the start of the message.</summary>
    public int Offset { get; }

    public ReadOnlySpan<byte> Span => _raw.Span;

    /// <summary>The three id bytes, e.g. <c>OBX</c>.</summary>
    public ReadOnlySpan<byte> IdSpan => _raw.Span[..3];

    public string Id => System.Text.Encoding.ASCII.GetString(IdSpan);

    public bool Is(ReadOnlySpan<byte> id) => IdSpan.SequenceEqual(id);

    private bool IsHeader => Is("MSH"u8) || Is("BHS"u8) || Is("FHS"u8);

    /// <summary>
    /// Field <paramref name="number"/> as HL7 numbers it (<c>OBX-5</c> is <c>Field(5)</c>). In MSH the field separator
    /// itself is MSH-1 and the encoding characters MSH-2 (HL7 v2.5 §2.15.9.1), so MSH numbering is shifted by one.
    /// </summary>
    public Hl7Value Field(int number)
    {
        if (number < 1) return default;
        var s = _raw.Span;
        if (IsHeader)
        {
            if (number == 1) return new Hl7Value(_raw.Slice(3, 1), _context, Offset + 3, Hl7Level.Field);
            number--;
        }
        // Position after the id: bytes [3] is the first field separator.
        var start = 3;
        for (var i = 0; i < number; i++)
        {
            if (start >= s.Length) return new Hl7Value(ReadOnlyMemory<byte>.Empty, _context, Offset + s.Length, Hl7Level.Field);
            var next = s[(start + 1)..].IndexOf(_context.Delimiters.Field);
            if (i == number - 1)
            {
                var len = next < 0 ? s.Length - start - 1 : next;
                return new Hl7Value(_raw.Slice(start + 1, len), _context, Offset + start + 1, Hl7Level.Field);
            }
            if (next < 0) return new Hl7Value(ReadOnlyMemory<byte>.Empty, _context, Offset + s.Length, Hl7Level.Field);
            start += next + 1;
        }
        return default;
    }

    /// <summary>Number of fields present (the highest field number sent).</summary>
    public int FieldCount
    {
        get
        {
            var n = _raw.Span.Count(_context.Delimiters.Field);
            return IsHeader ? n + 1 : n;
        }
    }

    /// <summary>Walks the fields in order without re-scanning from the start each time.</summary>
    public FieldEnumerator Fields => new(this);

    public override string ToString() => Id;

    /// <summary>Sequential field reader: yields field 1, 2, … (MSH yields from MSH-2 on).</summary>
    public ref struct FieldEnumerator
    {
        private readonly Hl7Segment _segment;
        private int _next;
        private Hl7Value _current;

        internal FieldEnumerator(Hl7Segment segment)
        {
            _segment = segment;
            _next = segment._raw.Length > 3 ? 3 : -1;
            _current = default;
        }

        public readonly Hl7Value Current => _current;

        public readonly FieldEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_next < 0) return false;
            var s = _segment._raw.Span;
            var start = _next + 1;
            var len = s[start..].IndexOf(_segment._context.Delimiters.Field);
            if (len < 0)
            {
                len = s.Length - start;
                _next = -1;
            }
            else
            {
                _next = start + len;
            }
            _current = new Hl7Value(_segment._raw.Slice(start, len), _segment._context, _segment.Offset + start, Hl7Level.Field);
            return true;
        }
    }
}
