using System.Text;
using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Message.Lis2;

namespace EdgeLab.Instruments.Dialect;

/// <summary>Reading the dialect-dependent parts of an R record: test code (R.3), value (R.4) and flags (R.7).</summary>
internal static class ResultFields
{
    /// <summary>
    /// The code from the profile's components of R.3 (LIS02-A2 §10.1.3), non-empty ones joined; when none of them is
    /// set, the whole field as sent (so no result ever loses its identity); null only for an empty R.3.
    /// </summary>
    public static string? ReadCode(Lis2Field testId, TestCodeLayout layout)
    {
        if (testId.IsEmpty)
            return null;
        string? single = null;
        StringBuilder? joined = null;
        foreach (var n in layout.Components)
        {
            var part = testId.Component(n).GetTrimmedString();
            if (part is null)
                continue;
            if (single is null)
            {
                single = part;
                continue;
            }
            joined ??= new StringBuilder(single);
            joined.Append(layout.Separator).Append(part);
        }
        return joined?.ToString() ?? single ?? testId.GetTrimmedString();
    }

    /// <summary>
    /// Every non-empty component of R.3 joined with <paramref name="separator"/>: the code used when the profile's
    /// components do not tell two different test ids of one order apart (e.g. GeneXpert's <c>^MTB-RIF^^Xpert^^^rpoB1^Ct</c>
    /// and <c>…^rpoB1^EndPt</c> read by a profile that looks at component 4 only).
    /// </summary>
    public static string ReadAllComponents(Lis2Field testId, string separator)
    {
        var parts = new List<string>();
        foreach (var component in testId.Components)
        {
            if (component.GetTrimmedString() is { } part)
                parts.Add(part);
        }
        return string.Join(separator, parts);
    }

    /// <summary>R.4 (LIS02-A2 §10.1.4) as sent, or its first non-empty component for dialects that split it.</summary>
    public static string ReadValue(Lis2Field value, string mode)
    {
        if (mode == ValueModes.FirstNonEmptyComponent)
        {
            foreach (var component in value.Components)
            {
                if (!component.IsEmpty)
                    return component.GetString() ?? string.Empty;
            }
            return string.Empty;
        }
        return value.GetString() ?? string.Empty;
    }

    /// <summary>R.7 (LIS02-A2 §10.1.7): one flag per repeat (VITROS sends several), optionally one component of each.</summary>
    public static List<string> ReadFlags(Lis2Field flags, int? component)
    {
        var list = new List<string>();
        foreach (var repeat in flags.Repeats)
        {
            var text = component is int c ? repeat.Component(c).GetTrimmedString() : repeat.GetTrimmedString();
            if (text is not null)
                list.Add(text);
        }
        return list;
    }
}

/// <summary>Values of <see cref="ResultLayout.Value"/>.</summary>
internal static class ValueModes
{
    public const string Whole = "whole";
    public const string FirstNonEmptyComponent = "firstNonEmptyComponent";
}

/// <summary>Values of <see cref="DecodedMessage.Kind"/>.</summary>
internal static class SpecimenKinds
{
    public const string Patient = "patient";
    public const string Qc = "qc";
    public const string Calibration = "calibration";
}
