namespace EdgeLab.Simulator.Hl7;

/// <summary>One segment of a received message, split into fields with the message's own separators.</summary>
internal sealed class Hl7AnswerSegment
{
    private readonly string[] _fields;
    private readonly Hl7EncodingCharacters _enc;

    public Hl7AnswerSegment(string text, int index, Hl7EncodingCharacters enc)
    {
        _enc = enc;
        _fields = text.Split(enc.Field);
        Id = _fields[0];
        Index = index;
    }

    public string Id { get; }

    /// <summary>Position in the message, from 1 (MSH).</summary>
    public int Index { get; }

    /// <summary>
    /// Field <paramref name="n"/> as sent (escapes kept), empty when absent. MSH counts its field separator as MSH-1
    /// (HL7 v2.5 §2.5.4), so MSH-n sits one place earlier in the split.
    /// </summary>
    public string Raw(int n)
    {
        var i = Id == "MSH" ? n - 1 : n;
        return i >= 1 && i < _fields.Length ? _fields[i] : "";
    }

    /// <summary>Component <paramref name="c"/> (from 1) of the first repetition of field <paramref name="n"/>, unescaped.</summary>
    public string Component(int n, int c = 1)
    {
        var parts = Raw(n).Split(_enc.Repetition)[0].Split(_enc.Component);
        return c - 1 < parts.Length ? Hl7Escaping.Unescape(parts[c - 1], _enc) : "";
    }

    /// <summary>Subcomponent <paramref name="s"/> of component <paramref name="c"/> of field <paramref name="n"/>, unescaped.</summary>
    public string Subcomponent(int n, int c, int s)
    {
        var parts = Raw(n).Split(_enc.Repetition)[0].Split(_enc.Component);
        if (c - 1 >= parts.Length) return "";
        var subs = parts[c - 1].Split(_enc.Subcomponent);
        return s - 1 < subs.Length ? Hl7Escaping.Unescape(subs[s - 1], _enc) : "";
    }

    /// <summary>The whole field, unescaped (separators inside it kept).</summary>
    public string Text(int n) => Hl7Escaping.Unescape(Raw(n), _enc);
}
