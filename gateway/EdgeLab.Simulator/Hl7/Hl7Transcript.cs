using System.Text;

namespace EdgeLab.Simulator.Hl7;

/// <summary>One HL7 v2 message as its segments (no separators), in wire bytes (latin1 1:1 so UTF-8 passes through untouched).</summary>
internal sealed record Hl7Message(IReadOnlyList<string> Segments)
{
    /// <summary>HL7 v2.5 §2.7: segments are separated by CR (0x0D) on the wire.</summary>
    public byte[] ToWire() => Encoding.Latin1.GetBytes(string.Join('\r', Segments) + "\r");

    public char FieldSeparator => Segments[0].Length > 3 ? Segments[0][3] : '|';

    public char ComponentSeparator => Segments[0].Length > 4 ? Segments[0][4] : '^';

    /// <summary>MSH-10 message control id.</summary>
    public string? ControlId => Field("MSH", 10);

    /// <summary>First component of OBR-3 (filler order number, where Mindray and most analyzers put the sample id), else OBR-2.</summary>
    public string? SpecimenId
    {
        get
        {
            var id = Field("OBR", 3) is { Length: > 0 } filler ? filler : Field("OBR", 2);
            return id?.Split(ComponentSeparator)[0];
        }
    }

    /// <summary>Field n of the first segment with this id (MSH counts its field separator as MSH-1, HL7 v2.5 §2.5.4).</summary>
    public string? Field(string segmentId, int n)
    {
        var segment = Segments.FirstOrDefault(s => s.StartsWith(segmentId + FieldSeparator, StringComparison.Ordinal));
        if (segment is null) return null;
        var fields = segment.Split(FieldSeparator);
        var index = segmentId == "MSH" ? n - 1 : n;
        return index < fields.Length ? fields[index] : null;
    }

    /// <summary>Rewrites OBR-3 (and OBR-2 when present) of every order to the given specimen id (first component).</summary>
    public Hl7Message WithSpecimen(string specimenId) => new(Segments.Select(s =>
    {
        if (!s.StartsWith("OBR" + FieldSeparator, StringComparison.Ordinal)) return s;
        var fields = s.Split(FieldSeparator).ToList();
        while (fields.Count < 4) fields.Add("");
        if (fields[2].Length > 0) fields[2] = ReplaceFirstComponent(fields[2], specimenId);
        fields[3] = ReplaceFirstComponent(fields[3], specimenId);
        return string.Join(FieldSeparator, fields);
    }).ToList());

    /// <summary>Sets MSH-10 so repeated sends of one file are distinct messages to the receiver (HL7 v2.5 §2.14.9.10).</summary>
    public Hl7Message WithControlId(string controlId) => new(Segments.Select((s, i) =>
    {
        if (i != 0) return s;
        var fields = s.Split(FieldSeparator).ToList();
        while (fields.Count < 10) fields.Add("");
        fields[9] = controlId;
        return string.Join(FieldSeparator, fields);
    }).ToList());

    private string ReplaceFirstComponent(string field, string value)
    {
        var parts = field.Split(ComponentSeparator);
        parts[0] = value;
        return string.Join(ComponentSeparator, parts);
    }
}

/// <summary>
/// Reads HL7 files as they are found: segments separated by CR, LF or CR LF (the Mindray sample uses LF), optionally
/// already in MLLP blocks; several messages per file, each starting at an MSH segment.
/// </summary>
internal static class Hl7Transcript
{
    public static IReadOnlyList<Hl7Message> Parse(ReadOnlySpan<byte> file)
    {
        var text = Encoding.Latin1.GetString(file);
        var messages = new List<Hl7Message>();
        List<string>? current = null;
        foreach (var raw in text.Split(['\r', '\n', '\v', '\x1C'], StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = raw.TrimEnd();
            if (segment.Length == 0) continue;
            if (segment.StartsWith("MSH", StringComparison.Ordinal) || current is null)
            {
                current = [];
                messages.Add(new Hl7Message(current));
            }
            current.Add(segment);
        }
        return messages;
    }

    public static bool LooksLikeHl7(ReadOnlySpan<byte> file)
    {
        var start = file.TrimStart((byte)0x0B).TrimStart("\r\n "u8);
        return start.StartsWith("MSH"u8);
    }
}
