using System.Text;

namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// Maps MSH-18 (HL7 v2.5 §2.15.9.18, Table 0211 "Alternate character sets") to a decoder. Only single-byte-delimiter
/// character sets are possible here: the parser finds delimiters as bytes, which UTF-16 would break.
/// </summary>
internal static class Hl7CharacterSet
{
    private static readonly Encoding Iso8859_5 = CodePagesEncodingProvider.Instance.GetEncoding(28595)
        ?? throw new InvalidOperationException("ISO 8859-5 (code page 28595) is missing from System.Text.Encoding.CodePages");

    /// <summary>
    /// Resolves the MSH-18 value; <paramref name="unicodeMeans"/> and <paramref name="whenAbsent"/> come from the profile.
    /// Returns null when the value names a character set that cannot be decoded.
    /// </summary>
    public static Encoding? Resolve(string? msh18, string unicodeMeans, string whenAbsent)
    {
        var name = string.IsNullOrWhiteSpace(msh18) ? whenAbsent : msh18.Trim();
        return name.ToUpperInvariant() switch
        {
            // Table 0211 "ASCII": the default when MSH-18 is empty. Bytes above 0x7F are not ASCII; decoding them as
            // ISO 8859-1 keeps every byte visible instead of turning it into '?'. The raw transcript stays exact anyway.
            "ASCII" or "" => Encoding.Latin1,
            "8859/1" => Encoding.Latin1,
            // Table 0211 "8859/5": ISO 8859-5 Latin/Cyrillic.
            "8859/5" => Iso8859_5,
            "UNICODE UTF-8" or "UTF-8" or "UTF8" => Utf8,
            // Table 0211 "UNICODE" (ISO/IEC 10646) leaves the encoding form open; Mindray analyzers mean UTF-8
            // (BC-5380 HL7 interface, MSH-18 "UNICODE"), so the profile decides.
            "UNICODE" => unicodeMeans.ToUpperInvariant() switch
            {
                "UTF-8" or "UTF8" or "UNICODE UTF-8" => Utf8,
                "8859/1" or "LATIN1" => Encoding.Latin1,
                "8859/5" => Iso8859_5,
                _ => null,
            },
            "LATIN1" or "ISO-8859-1" => Encoding.Latin1,
            "ISO-8859-5" => Iso8859_5,
            _ => null,
        };
    }

    /// <summary>UTF-8 without a byte-order mark, decoding invalid bytes to U+FFFD rather than throwing.</summary>
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
}
