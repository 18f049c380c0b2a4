using System.Text;

namespace EdgeLab.Simulator.Hl7;

/// <summary>
/// HL7 v2.5 §2.7.4 escape sequences for the default encoding characters (<c>|^~\&amp;</c>, as MSH-1/MSH-2 declare):
/// <c>\F\</c> field, <c>\S\</c> component, <c>\T\</c> subcomponent, <c>\R\</c> repetition, <c>\E\</c> escape.
/// </summary>
internal static class Hl7Escaping
{
    public static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny("|^~\\&") < 0) return value;
        var b = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            b.Append(c switch
            {
                '|' => "\\F\\",
                '^' => "\\S\\",
                '&' => "\\T\\",
                '~' => "\\R\\",
                '\\' => "\\E\\",
                _ => c.ToString(),
            });
        }
        return b.ToString();
    }

    /// <summary>Undoes the five standard escapes; other escape sequences (\H\, \Xhh\ …) are kept as received.</summary>
    public static string Unescape(string value, Hl7EncodingCharacters enc)
    {
        if (value.IndexOf(enc.Escape, StringComparison.Ordinal) < 0) return value;
        var b = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            var end = value[i] == enc.Escape && i + 2 < value.Length ? value.IndexOf(enc.Escape, i + 1) : -1;
            char? plain = end == i + 2 ? value[i + 1] switch
            {
                'F' => enc.Field,
                'S' => enc.Component,
                'T' => enc.Subcomponent,
                'R' => enc.Repetition,
                'E' => enc.Escape,
                _ => null,
            } : null;
            if (plain is { } p)
            {
                b.Append(p);
                i = end + 1;
            }
            else
            {
                b.Append(value[i++]);
            }
        }
        return b.ToString();
    }
}

/// <summary>The separators a message declares in MSH-1 and MSH-2 (HL7 v2.5 §2.5.4).</summary>
internal sealed record Hl7EncodingCharacters(char Field, char Component, char Repetition, char Escape, char Subcomponent)
{
    public static readonly Hl7EncodingCharacters Default = new('|', '^', '~', '\\', '&');

    /// <summary>Reads MSH-1 and MSH-2 from the first segment; null when it is not an MSH with four encoding characters.</summary>
    public static Hl7EncodingCharacters? FromHeader(string msh) =>
        msh.Length >= 8 && msh.StartsWith("MSH", StringComparison.Ordinal)
            ? new Hl7EncodingCharacters(msh[3], msh[4], msh[5], msh[6], msh[7])
            : null;
}
