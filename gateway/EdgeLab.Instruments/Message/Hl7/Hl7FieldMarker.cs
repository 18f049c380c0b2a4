namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// A field value that marks what kind of specimen a message carries, written in a profile as <c>SEG-n[.c]=VALUE</c>
/// (<c>VALUE*</c> = prefix), e.g. <c>MSH-16=2</c>: Mindray BS-series analyzers send MSH-16 0 for a sample result,
/// 1 for a calibration result and 2 for a QC result, with MSH-11 = P throughout.
/// </summary>
public readonly record struct Hl7FieldMarker(Hl7FieldPath Path, string Value, bool Prefix)
{
    /// <summary>Parses <c>MSH-16=2</c> or <c>OBR-4.1=QC*</c>; a malformed marker is a configuration error (<see cref="FormatException"/>).</summary>
    public static Hl7FieldMarker Parse(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0 || eq == text.Length - 1)
            throw new FormatException($"marker '{text}' is not SEG-n[.c]=VALUE (e.g. MSH-16=2 or OBR-4.1=QC*)");
        var value = text[(eq + 1)..].Trim();
        var prefix = value.EndsWith('*');
        if (prefix) value = value[..^1];
        if (value.Length == 0) throw new FormatException($"marker '{text}' has no value after '='");
        return new Hl7FieldMarker(Hl7FieldPath.Parse(text[..eq].Trim()), value, prefix);
    }

    /// <summary>True when <paramref name="segment"/> is this marker's segment and the field holds the value.</summary>
    internal bool Matches(Hl7Segment segment)
    {
        if (!Path.Matches(segment)) return false;
        var v = Path.Read(segment).ToString().Trim();
        return Prefix ? v.StartsWith(Value, StringComparison.OrdinalIgnoreCase) : string.Equals(v, Value, StringComparison.OrdinalIgnoreCase);
    }

    public override string ToString() => $"{Path}={Value}{(Prefix ? "*" : "")}";
}
