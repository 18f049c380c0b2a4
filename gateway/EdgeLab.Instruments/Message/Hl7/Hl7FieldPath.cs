namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// A place in a message as dialect profiles write it: <c>OBR-3</c>, <c>SPM-2.1</c> (segment id, field, optional
/// component; HL7 v2.5 §2.5.3 numbering).
/// </summary>
public readonly record struct Hl7FieldPath(string SegmentId, int Field, int Component)
{
    public static Hl7FieldPath Parse(string text)
    {
        var dash = text.IndexOf('-');
        if (dash != 3 || !char.IsAsciiLetterUpper(text[0]))
            throw new FormatException($"'{text}' is not a field path like OBR-3 or SPM-2.1");
        var rest = text[(dash + 1)..];
        var dot = rest.IndexOf('.');
        var fieldText = dot < 0 ? rest : rest[..dot];
        if (!int.TryParse(fieldText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var field) || field < 1)
            throw new FormatException($"'{text}' has no valid field number");
        var component = 1;
        if (dot >= 0 && (!int.TryParse(rest[(dot + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out component) || component < 1))
            throw new FormatException($"'{text}' has no valid component number");
        return new Hl7FieldPath(text[..3], field, component);
    }

    internal bool Matches(Hl7Segment segment) =>
        segment.IdSpan.Length == 3 && segment.IdSpan[0] == SegmentId[0] && segment.IdSpan[1] == SegmentId[1] && segment.IdSpan[2] == SegmentId[2];

    /// <summary>The value at this path in <paramref name="segment"/>: first repetition, the component, its first subcomponent.</summary>
    public Hl7Value Read(Hl7Segment segment) => segment.Field(Field).Component(Component).Subcomponent(1);

    public override string ToString() => Component == 1 ? $"{SegmentId}-{Field}" : $"{SegmentId}-{Field}.{Component}";
}
