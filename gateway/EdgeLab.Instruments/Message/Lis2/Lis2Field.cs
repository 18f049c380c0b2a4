using System.Text;

namespace EdgeLab.Instruments.Message.Lis2;

/// <summary>
/// A view of one field — or of one repeat or component of it — inside the message bytes. Nothing is copied or
/// decoded until <see cref="GetString"/> is called, so a field nobody reads costs nothing (LIS02-A2 §6.5: fields are
/// separated by the field delimiter, repeats by the repeat delimiter, components by the component delimiter).
/// </summary>
internal readonly ref struct Lis2Field
{
    private readonly Lis2Delimiters _delimiters;
    private readonly Encoding _encoding;

    public Lis2Field(ReadOnlySpan<byte> raw, Lis2Delimiters delimiters, Encoding encoding, long byteOffset)
    {
        Raw = raw;
        _delimiters = delimiters;
        _encoding = encoding;
        ByteOffset = byteOffset;
    }

    /// <summary>The bytes exactly as sent, escapes unresolved.</summary>
    public ReadOnlySpan<byte> Raw { get; }

    /// <summary>Offset of the first byte from the start of the message text.</summary>
    public long ByteOffset { get; }

    public bool IsEmpty => Raw.IsEmpty;

    /// <summary>Number of repeats (1 for a field without repeat delimiters, 0 for an empty one).</summary>
    public int RepeatCount => Raw.IsEmpty ? 0 : Raw.Count(_delimiters.Repeat) + 1;

    /// <summary>The repeat at <paramref name="index"/> (0-based); empty when there are fewer repeats.</summary>
    public Lis2Field Repeat(int index) => Part(_delimiters.Repeat, index);

    /// <summary>
    /// The component at <paramref name="number"/> (1-based, as LIS02-A2 numbers them), taken from the first repeat;
    /// empty when there are fewer components. Call <see cref="Repeat"/> first to read a component of another repeat.
    /// </summary>
    public Lis2Field Component(int number)
    {
        if (number < 1)
            return Empty;
        var first = Raw.IndexOf(_delimiters.Repeat) is var r and >= 0 ? new Lis2Field(Raw[..r], _delimiters, _encoding, ByteOffset) : this;
        return first.Part(_delimiters.Component, number - 1);
    }

    /// <summary>Whether the field contains component delimiters.</summary>
    public bool HasComponents => Raw.IndexOf(_delimiters.Component) >= 0;

    /// <summary>The text with escape sequences resolved (LIS02-A2 §6.6.2), or null when the field is empty.</summary>
    public string? GetString() => Raw.IsEmpty ? null : Lis2Text.Decode(Raw, _delimiters, _encoding);

    /// <summary>As <see cref="GetString"/>, with leading and trailing spaces removed (fixed-width padded fields); null when blank.</summary>
    public string? GetTrimmedString()
    {
        var trimmed = Raw.Trim((byte)' ');
        return trimmed.IsEmpty ? null : Lis2Text.Decode(trimmed, _delimiters, _encoding);
    }

    /// <summary>Enumerates the repeats (LIS02-A2 §6.5.3) without allocating.</summary>
    public PartEnumerator Repeats => new(this, _delimiters.Repeat);

    /// <summary>Enumerates the components of this view (LIS02-A2 §6.5.4) without allocating.</summary>
    public PartEnumerator Components => new(this, _delimiters.Component);

    private Lis2Field Empty => new([], _delimiters, _encoding, ByteOffset + Raw.Length);

    private Lis2Field Part(byte delimiter, int index)
    {
        var rest = Raw;
        var offset = ByteOffset;
        for (var i = 0; i < index; i++)
        {
            var at = rest.IndexOf(delimiter);
            if (at < 0)
                return Empty;
            rest = rest[(at + 1)..];
            offset += at + 1;
        }
        var end = rest.IndexOf(delimiter);
        return new Lis2Field(end < 0 ? rest : rest[..end], _delimiters, _encoding, offset);
    }

    internal Lis2Field Slice(int start, int length) => new(Raw.Slice(start, length), _delimiters, _encoding, ByteOffset + start);

    /// <summary>Walks the parts of a field split by one delimiter.</summary>
    public ref struct PartEnumerator
    {
        private readonly Lis2Field _field;
        private readonly byte _delimiter;
        private int _next;
        private bool _done;

        internal PartEnumerator(Lis2Field field, byte delimiter)
        {
            _field = field;
            _delimiter = delimiter;
            _next = 0;
            _done = field.IsEmpty;
            Current = default;
        }

        public Lis2Field Current { get; private set; }

        public readonly PartEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_done)
                return false;
            var rest = _field.Raw[_next..];
            var at = rest.IndexOf(_delimiter);
            var length = at < 0 ? rest.Length : at;
            Current = _field.Slice(_next, length);
            if (at < 0)
                _done = true;
            else
                _next += at + 1;
            return true;
        }
    }
}
