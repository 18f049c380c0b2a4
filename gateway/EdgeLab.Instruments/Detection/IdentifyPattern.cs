namespace EdgeLab.Instruments.Detection;

/// <summary>
/// One way a profile recognises its analyzer model from the sender fields of a message, written in the profile's
/// <c>identify</c> list as conditions joined by <c>;</c>, every one of which must hold, e.g.
/// <c>H.5=ABX^PENTRA60^*</c> (ASTM: H record field 5, the sender name or ID, LIS02-A2 §7.1.5, components
/// manufacturer^model^version) or <c>MSH-3=Mindray; MSH-4=BS-200</c> (HL7 v2.5 §2.14.9.3/4: sending application and
/// facility). A field may name a component (<c>H.5.2</c>, <c>MSH-4.1</c>); without one the whole field is compared,
/// components and all. Values compare case-insensitively after trimming; <c>*</c> matches any run of characters.
/// </summary>
public sealed record IdentifyPattern(IReadOnlyList<IdentifyCondition> Conditions, string Text)
{
    /// <summary>How specific a match is: the literal characters its conditions pinned down (more = more specific).</summary>
    public int Specificity => Conditions.Sum(c => c.Value.Count(ch => ch != '*'));

    /// <summary>Parses one <c>identify</c> entry; a malformed one is a profile error (<see cref="FormatException"/>).</summary>
    public static IdentifyPattern Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var conditions = new List<IdentifyCondition>();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            conditions.Add(IdentifyCondition.Parse(part));
        if (conditions.Count == 0)
            throw new FormatException($"identify entry '{text}' has no condition (e.g. H.5=ABX^PENTRA60^* or MSH-3=Mindray; MSH-4=BS-200)");
        return new IdentifyPattern(conditions, text);
    }

    /// <summary>True when every condition holds for <paramref name="sender"/>.</summary>
    public bool Matches(SenderIdentity sender) => Conditions.All(c => c.Matches(sender));

    /// <summary>The protocol the pattern's fields belong to: <c>astm</c> (H.n) or <c>hl7</c> (MSH-n).</summary>
    public string Protocol => Conditions[0].Field.Protocol;

    public override string ToString() => Text;
}

/// <summary>One <c>FIELD=VALUE</c> condition of an <see cref="IdentifyPattern"/>.</summary>
public sealed record IdentifyCondition(SenderField Field, string Value)
{
    public static IdentifyCondition Parse(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
            throw new FormatException($"identify condition '{text}' is not FIELD=VALUE (e.g. H.5=ABX^PENTRA60^* or MSH-3=Mindray)");
        var value = text[(eq + 1)..].Trim();
        if (value.Trim('*').Length == 0)
            throw new FormatException($"identify condition '{text}' has no value to compare (a bare * would match every analyzer)");
        return new IdentifyCondition(SenderField.Parse(text[..eq].Trim()), value);
    }

    public bool Matches(SenderIdentity sender) =>
        sender.Read(Field) is { } actual && Glob(actual.Trim(), Value);

    /// <summary>Case-insensitive match where <c>*</c> stands for any run of characters (none included).</summary>
    internal static bool Glob(ReadOnlySpan<char> text, ReadOnlySpan<char> pattern)
    {
        var star = pattern.IndexOf('*');
        if (star < 0) return text.Equals(pattern, StringComparison.OrdinalIgnoreCase);
        var head = pattern[..star];
        if (!text.StartsWith(head, StringComparison.OrdinalIgnoreCase)) return false;
        var restPattern = pattern[(star + 1)..];
        for (var i = head.Length; i <= text.Length; i++)
        {
            if (Glob(text[i..], restPattern)) return true;
        }
        return false;
    }
}

/// <summary>
/// A sender field: ASTM <c>H.n[.c]</c> (LIS02-A2 numbering, H.1 = the record type, H.2 = the delimiters) or HL7
/// <c>MSH-n[.c]</c> (HL7 v2.5 §2.5.3, MSH-1 = the field separator).
/// </summary>
public readonly record struct SenderField(string Protocol, int Field, int? Component)
{
    public static SenderField Parse(string text)
    {
        string protocol;
        string rest;
        if (text.StartsWith("H.", StringComparison.Ordinal))
        {
            protocol = "astm";
            rest = text[2..];
        }
        else if (text.StartsWith("MSH-", StringComparison.Ordinal))
        {
            protocol = "hl7";
            rest = text[4..];
        }
        else
        {
            throw new FormatException($"'{text}' is not a sender field: use H.n[.c] for ASTM (e.g. H.5) or MSH-n[.c] for HL7 (e.g. MSH-3)");
        }
        var parts = rest.Split('.');
        if (parts.Length > 2 || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var field) || field < 1)
            throw new FormatException($"'{text}' has no valid field number (e.g. H.5, H.5.2, MSH-3, MSH-4.1)");
        int? component = null;
        if (parts.Length == 2)
        {
            if (!int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var c) || c < 1)
                throw new FormatException($"'{text}' has no valid component number");
            component = c;
        }
        return new SenderField(protocol, field, component);
    }

    public override string ToString() =>
        (Protocol == "astm" ? $"H.{Field}" : $"MSH-{Field}") + (Component is { } c ? $".{c}" : "");
}
