using System.Text;

namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>How deep into a field a <see cref="Hl7Value"/> points (HL7 v2.5 §2.5.3: field, repetition, component, subcomponent).</summary>
public enum Hl7Level : byte
{
    Field,
    Repetition,
    Component,
    Subcomponent,
}

/// <summary>
/// A slice of a message's bytes at one level of the HL7 structure. Nothing is copied or decoded until
/// <see cref="ToString"/> is called, so a field nobody reads costs no allocation.
/// </summary>
/// <remarks>
/// Numbering follows HL7: repetitions count from 0 here (the first one is the field as most people mean it),
/// components and subcomponents count from 1 as in <c>OBX-3.1</c>. Asking for a component of a field means the
/// component of its first repetition; asking for a subcomponent of a field means that of its first component.
/// A value past the end is empty, which HL7 treats the same as "not present" (§2.5.3).
/// </remarks>
public readonly struct Hl7Value
{
    private readonly ReadOnlyMemory<byte> _raw;
    private readonly Hl7Context? _context;

    internal Hl7Value(ReadOnlyMemory<byte> raw, Hl7Context context, int offset, Hl7Level level)
    {
        _raw = raw;
        _context = context;
        Offset = offset;
        Level = level;
    }

    /// <summary>The bytes as sent, escapes and delimiters included.</summary>
    public ReadOnlySpan<byte> Span => _raw.Span;

    public ReadOnlyMemory<byte> Memory => _raw;

    /// <summary>Byte offset from the start of the message.</summary>
    public int Offset { get; }

    public Hl7Level Level { get; }

    public bool IsEmpty => _raw.IsEmpty;

    /// <summary>The explicit null <c>""</c> (HL7 v2.5 §2.5.3: "delete the value").</summary>
    public bool IsNull => _raw.Span.SequenceEqual("\"\""u8);

    public int RepetitionCount => Level == Hl7Level.Field && !_raw.IsEmpty ? _raw.Span.Count(Delimiters.Repetition) + 1 : (_raw.IsEmpty ? 0 : 1);

    private Hl7Delimiters Delimiters => _context?.Delimiters ?? Hl7Delimiters.Default;

    /// <summary>Repetition <paramref name="index"/> (0-based) of a field.</summary>
    public Hl7Value Repetition(int index)
    {
        if (Level != Hl7Level.Field) return index == 0 ? this : default;
        return Split(Delimiters.Repetition, index, Hl7Level.Repetition);
    }

    /// <summary>Component <paramref name="number"/> (1-based, as in <c>OBX-3.1</c>).</summary>
    public Hl7Value Component(int number)
    {
        var r = Level == Hl7Level.Field ? Repetition(0) : this;
        if (r.Level > Hl7Level.Repetition) return number == 1 ? r : default;
        return r.Split(Delimiters.Component, number - 1, Hl7Level.Component);
    }

    /// <summary>Subcomponent <paramref name="number"/> (1-based).</summary>
    public Hl7Value Subcomponent(int number)
    {
        var c = Level < Hl7Level.Component ? Component(1) : this;
        if (c.Level == Hl7Level.Subcomponent) return number == 1 ? c : default;
        return c.Split(Delimiters.Subcomponent, number - 1, Hl7Level.Subcomponent);
    }

    /// <summary>The text with escape sequences resolved and the message's character set applied (allocates).</summary>
    public override string ToString() =>
        _raw.IsEmpty || _context is null ? "" : Hl7Escaping.Decode(_raw.Span, _context.Delimiters, _context.Encoding);

    /// <summary>The bytes in the message's character set with escapes and delimiters left as sent, for echoing a value back.</summary>
    public string RawText => _raw.IsEmpty || _context is null ? "" : _context.Encoding.GetString(_raw.Span);

    /// <summary>The text, or null when the value is empty or the explicit null <c>""</c>.</summary>
    public string? TextOrNull => IsEmpty || IsNull ? null : ToString();

    /// <summary>True when the raw bytes equal <paramref name="ascii"/> (no decoding, no allocation).</summary>
    public bool Is(ReadOnlySpan<byte> ascii) => _raw.Span.SequenceEqual(ascii);

    private Hl7Value Split(byte delimiter, int index, Hl7Level level)
    {
        if (index < 0 || _context is null) return default;
        var s = _raw.Span;
        var start = 0;
        for (var i = 0; i < index; i++)
        {
            var next = s[start..].IndexOf(delimiter);
            if (next < 0) return new Hl7Value(ReadOnlyMemory<byte>.Empty, _context, Offset + s.Length, level);
            start += next + 1;
        }
        var len = s[start..].IndexOf(delimiter);
        if (len < 0) len = s.Length - start;
        return new Hl7Value(_raw.Slice(start, len), _context, Offset + start, level);
    }
}

/// <summary>What every value of one message shares: its delimiters and its character set (from MSH-18).</summary>
internal sealed class Hl7Context(Hl7Delimiters delimiters, Encoding encoding)
{
    public Hl7Delimiters Delimiters { get; } = delimiters;
    public Encoding Encoding { get; } = encoding;
}
