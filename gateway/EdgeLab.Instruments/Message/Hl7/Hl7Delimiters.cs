namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// The delimiter set of one message, taken from MSH-1 (field separator) and MSH-2 (encoding characters: component,
/// repetition, escape, subcomponent and, from v2.7, truncation) as HL7 v2.5 §2.5.4 defines them.
/// </summary>
public readonly record struct Hl7Delimiters(byte Field, byte Component, byte Repetition, byte Escape, byte Subcomponent)
{
    /// <summary>The recommended set <c>|^~\&amp;</c> (HL7 v2.5 §2.5.4, Figure 2-1).</summary>
    public static Hl7Delimiters Default { get; } = new((byte)'|', (byte)'^', (byte)'~', (byte)'\\', (byte)'&');

    /// <summary>MSH-2 as it is written back into a reply.</summary>
    public string EncodingCharacters => new([(char)Component, (char)Repetition, (char)Escape, (char)Subcomponent]);

    /// <summary>
    /// Reads MSH-1 and MSH-2 from the start of a message (<c>MSH|^~\&amp;|…</c>). Every delimiter must be a printable
    /// ASCII byte that is not a letter or digit, and all must differ (HL7 v2.5 §2.5.4).
    /// </summary>
    internal static Hl7Delimiters Read(ReadOnlySpan<byte> message, int mshOffset)
    {
        // "MSH" + field separator + at least four encoding characters + field separator.
        var s = message[mshOffset..];
        if (s.Length < 8)
            throw Invalid("MSH is too short to hold MSH-1 and MSH-2", mshOffset);
        var field = s[3];
        var end = s[4..].IndexOf(field);
        var encoding = end < 0 ? s[4..] : s.Slice(4, end);
        var lineEnd = encoding.IndexOfAny((byte)'\r', (byte)'\n');
        if (lineEnd >= 0) encoding = encoding[..lineEnd];
        // v2.7 adds a fifth character (truncation, '#'); tolerate it, require the four of v2.5.
        if (encoding.Length is < 4 or > 5)
            throw Invalid($"MSH-2 must hold 4 encoding characters, found {encoding.Length}", mshOffset + 4);
        var d = new Hl7Delimiters(field, encoding[0], encoding[1], encoding[2], encoding[3]);
        ReadOnlySpan<byte> all = [d.Field, d.Component, d.Repetition, d.Escape, d.Subcomponent];
        for (var i = 0; i < all.Length; i++)
        {
            var b = all[i];
            if (b < 0x21 || b > 0x7E || char.IsAsciiLetterOrDigit((char)b))
                throw Invalid($"delimiter 0x{b:X2} is not a printable non-alphanumeric ASCII character", mshOffset + (i == 0 ? 3 : 3 + i));
            if (all[(i + 1)..].Contains(b))
                throw Invalid($"delimiter '{(char)b}' is used twice", mshOffset + 3 + i);
        }
        return d;
    }

    private static Hl7Exception Invalid(string what, int offset) =>
        new(new Hl7Error(Hl7ErrorKind.InvalidDelimiters, what, 1, "MSH", 2, offset));
}
