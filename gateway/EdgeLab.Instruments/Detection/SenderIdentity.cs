using System.Text;

namespace EdgeLab.Instruments.Detection;

/// <summary>
/// Who sent a message, as its header says: the ASTM H record (LIS02-A2 §7.1, delimiters from H.2) or the HL7 MSH
/// segment (HL7 v2.5 §2.14.9). Only the header is read; nothing else of the message (patient data) is kept.
/// </summary>
public sealed class SenderIdentity
{
    private readonly string[] _fields;
    private readonly char _component;

    private SenderIdentity(string protocol, string[] fields, char component)
    {
        Protocol = protocol;
        _fields = fields;
        _component = component;
    }

    /// <summary><c>astm</c> or <c>hl7</c>.</summary>
    public string Protocol { get; }

    /// <summary>What a technician is shown, e.g. <c>H.5 'ABX^PENTRA60^V2.0'</c> or <c>MSH-3/4 'Mindray'/'BS-200'</c>.</summary>
    public string Display => Protocol == "astm"
        ? $"H.5 '{Field(5)}'"
        : $"MSH-3/4 '{Field(3)}'/'{Field(4)}'";

    /// <summary>The sender text patterns are compared with for the "closest" suggestion (H.5, or MSH-3 and MSH-4).</summary>
    public string Text => Protocol == "astm" ? Field(5) : $"{Field(3)}^{Field(4)}";

    /// <summary>The header of an ASTM message (records separated by CR), or null when it has no H record.</summary>
    public static SenderIdentity? FromAstm(ReadOnlySpan<byte> messageText)
    {
        var start = messageText.IndexOf((byte)'H');
        if (start < 0) return null;
        var rest = messageText[start..];
        var end = rest.IndexOfAny((byte)'\r', (byte)'\n');
        var header = Encoding.Latin1.GetString(end < 0 ? rest : rest[..end]);
        // H.1 is 'H', H.2 the four delimiters (field, repeat, component, escape), LIS02-A2 §7.1.1–2.
        if (header.Length < 5) return null;
        var fieldDelimiter = header[1];
        var componentDelimiter = header[3];
        var fields = header.Split(fieldDelimiter);
        // fields[i] is H.(i+1).
        return new SenderIdentity("astm", fields, componentDelimiter);
    }

    /// <summary>The MSH segment of an HL7 message (the MLLP payload), or null when it does not start with MSH.</summary>
    public static SenderIdentity? FromHl7(ReadOnlySpan<byte> payload)
    {
        var start = payload.IndexOf("MSH"u8);
        if (start < 0 || payload.Length < start + 8) return null;
        var rest = payload[start..];
        var end = rest.IndexOfAny((byte)'\r', (byte)'\n');
        var segment = Encoding.Latin1.GetString(end < 0 ? rest : rest[..end]);
        var fieldSeparator = segment[3];
        var parts = segment.Split(fieldSeparator);
        // parts[0] = "MSH", parts[1] = MSH-2 (encoding characters); MSH-1 is the separator itself.
        var fields = new string[parts.Length];
        fields[0] = fieldSeparator.ToString();
        Array.Copy(parts, 1, fields, 1, parts.Length - 1);
        var component = parts.Length > 1 && parts[1].Length > 0 ? parts[1][0] : '^';
        return new SenderIdentity("hl7", fields, component);
    }

    /// <summary>The value at <paramref name="field"/>, or null when the field is of another protocol or absent.</summary>
    public string? Read(SenderField field)
    {
        if (field.Protocol != Protocol) return null;
        // fields[i] is H.(i+1) or MSH-(i+1) alike.
        var index = field.Field - 1;
        if (index < 0 || index >= _fields.Length) return field.Component is null ? "" : null;
        var value = _fields[index];
        if (field.Component is not { } c) return value;
        var components = value.Split(_component);
        return c <= components.Length ? components[c - 1] : "";
    }

    private string Field(int n) => n - 1 < _fields.Length ? _fields[n - 1].Trim() : "";
}
