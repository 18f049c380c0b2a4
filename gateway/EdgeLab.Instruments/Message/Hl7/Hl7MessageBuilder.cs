using System.Globalization;
using System.Text;

namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// Writes an outgoing HL7 v2 message segment by segment (HL7 v2.5 §2.5: segments end with CR; trailing empty fields
/// are not sent). Field strings passed in are already escaped; <see cref="Escape"/> makes data safe first.
/// </summary>
internal sealed class Hl7MessageBuilder(Hl7Delimiters delimiters)
{
    private readonly StringBuilder _text = new(256);

    public Hl7Delimiters Delimiters => delimiters;

    /// <summary>Escapes data for a field, component or subcomponent (HL7 v2.5 §2.7.1).</summary>
    public string Escape(string? value) => value is null ? "" : Hl7Escaping.Escape(value, delimiters);

    /// <summary>Joins already-escaped components with the component separator, dropping trailing empty ones.</summary>
    public string Components(params string?[] components)
    {
        var n = components.Length;
        while (n > 0 && string.IsNullOrEmpty(components[n - 1])) n--;
        return string.Join((char)delimiters.Component, components.Take(n));
    }

    /// <summary>
    /// MSH with MSH-1 and MSH-2 from the delimiter set (HL7 v2.5 §2.15.9). <paramref name="fields"/> are MSH-3 onwards.
    /// </summary>
    public Hl7MessageBuilder Header(params string?[] fields)
    {
        _text.Append("MSH").Append((char)delimiters.Field).Append(delimiters.EncodingCharacters);
        AppendFields(fields);
        return this;
    }

    /// <summary>A segment; <paramref name="fields"/> are field 1 onwards.</summary>
    public Hl7MessageBuilder Segment(string id, params string?[] fields)
    {
        _text.Append(id);
        AppendFields(fields);
        return this;
    }

    /// <summary>A received segment copied as it was sent (its bytes decoded with the message's character set).</summary>
    public Hl7MessageBuilder Copy(Hl7Segment segment, Encoding encoding)
    {
        _text.Append(encoding.GetString(segment.Span)).Append('\r');
        return this;
    }

    private void AppendFields(string?[] fields)
    {
        var n = fields.Length;
        while (n > 0 && string.IsNullOrEmpty(fields[n - 1])) n--;
        for (var i = 0; i < n; i++) _text.Append((char)delimiters.Field).Append(fields[i]);
        _text.Append('\r');
    }

    public override string ToString() => _text.ToString();

    public byte[] ToBytes(Encoding encoding) => encoding.GetBytes(_text.ToString());

    /// <summary>HL7 TS as analyzers expect it: <c>YYYYMMDDHHMMSS</c> in the site's local time (HL7 v2.5 §2.A.74).</summary>
    public static string Timestamp(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
}
