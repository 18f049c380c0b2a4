namespace EdgeLab.Instruments.Message.Lis2;

/// <summary>
/// The four delimiters a LIS02-A2 message declares in its header (LIS02-A2 §7.1.2, "Delimiter Definition"): the byte
/// right after <c>H</c> is the field delimiter, the next three are the repeat, component and escape delimiters.
/// Any set is legal — <c>|\^&amp;</c> (the usual one), <c>|`^&amp;</c> (Erba), <c>|@^\</c> (Cepheid GeneXpert) —
/// so every record of a message is read with the set of the H record that opened it.
/// </summary>
internal readonly record struct Lis2Delimiters(byte Field, byte Repeat, byte Component, byte Escape)
{
    /// <summary>The set LIS02-A2 §6.6 recommends and most instruments use: <c>| \ ^ &amp;</c>.</summary>
    public static Lis2Delimiters Default { get; } = new((byte)'|', (byte)'\\', (byte)'^', (byte)'&');

    /// <summary>Whether this set was read from a header (a default-constructed value is all zero).</summary>
    public bool IsSet => Field != 0;

    /// <summary>
    /// Reads the set from an H record's first five bytes (<c>H</c> + four delimiters). LIS02-A2 §6.6: the four must be
    /// distinct, and none may be a letter, a digit, CR or LF (they would be indistinguishable from text).
    /// </summary>
    public static Lis2Delimiters FromHeader(ReadOnlySpan<byte> header, int recordNumber, long byteOffset)
    {
        if (header.Length < 5)
            throw new Lis2FormatException("header too short to declare the four delimiters (H + field, repeat, component, escape)", recordNumber, 'H', 2, byteOffset);
        var d = new Lis2Delimiters(header[1], header[2], header[3], header[4]);
        ReadOnlySpan<byte> all = [d.Field, d.Repeat, d.Component, d.Escape];
        for (var i = 0; i < all.Length; i++)
        {
            var b = all[i];
            if (b is (byte)'\r' or (byte)'\n' || char.IsAsciiLetterOrDigit((char)b) || b < 0x20 && b != 0x09 || b == 0x7F)
                throw new Lis2FormatException($"delimiter 0x{b:X2} is not allowed (letters, digits and control characters are text)", recordNumber, 'H', i == 0 ? 1 : 2, byteOffset + 1 + i);
            for (var j = 0; j < i; j++)
            {
                if (all[j] == b)
                    throw new Lis2FormatException($"delimiter '{(char)b}' is declared twice", recordNumber, 'H', 2, byteOffset + 1 + i);
            }
        }
        // The delimiter definition field ends with the field delimiter (or the record, for a bare "H|\^&").
        if (header.Length > 5 && header[5] != d.Field)
            throw new Lis2FormatException($"delimiter definition must be followed by the field delimiter '{(char)d.Field}'", recordNumber, 'H', 2, byteOffset + 5);
        return d;
    }

    /// <summary>The delimiter definition as written in H.2 (repeat, component, escape), e.g. <c>\^&amp;</c>.</summary>
    public string Definition => $"{(char)Repeat}{(char)Component}{(char)Escape}";
}
