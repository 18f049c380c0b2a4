using System.Text;

namespace EdgeLab.Simulator.Astm;

/// <summary>
/// Rewrites the specimen id of a message so a demo's results match a registered referral: the id component of
/// O-3 (Specimen ID) and of O-4 (Instrument Specimen ID) where present, and the specimen component of a Q-3 range
/// (LIS02-A2 §8.4.3, §12.1.3). Delimiters come from the message's own H record (LIS02-A2 §7.1.2).
/// </summary>
internal static class AstmRecordEditor
{
    public static AstmMessage WithSpecimen(AstmMessage message, string specimenId)
    {
        var (field, component) = Delimiters(message);
        var records = message.Records.Select(record =>
        {
            var text = Encoding.Latin1.GetString(record);
            var fields = text.Split(field);
            if (fields[0] == "O")
            {
                var hasInstrumentId = fields.Length > 3 && fields[3].Length > 0;
                if (fields.Length > 2 && (fields[2].Length > 0 || !hasInstrumentId)) fields[2] = ReplaceComponent(fields[2], component, IdComponent(fields[2], component), specimenId);
                if (hasInstrumentId) fields[3] = ReplaceComponent(fields[3], component, IdComponent(fields[3], component), specimenId);
            }
            else if (fields[0] == "Q" && fields.Length > 2)
            {
                fields[2] = ReplaceComponent(fields[2], component, 1, specimenId);
            }
            else
            {
                return record;
            }
            return Encoding.Latin1.GetBytes(string.Join(field, fields));
        }).ToList();
        return new AstmMessage(records);
    }

    public static string? FindSpecimenId(AstmMessage message)
    {
        var (field, component) = Delimiters(message);
        foreach (var record in message.Records)
        {
            var fields = Encoding.Latin1.GetString(record).Split(field);
            string? candidate = fields[0] switch
            {
                "O" when fields.Length > 2 && fields[2].Trim().Length > 0 => FirstNonEmpty(fields[2], component),
                "O" when fields.Length > 3 => FirstNonEmpty(fields[3], component),
                "Q" when fields.Length > 2 => fields[2].Split(component) is { Length: > 1 } c ? c[1] : null,
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(candidate)) return candidate.Trim();
        }
        return null;
    }

    /// <summary>Field and component delimiters from H-1/H-2 (e.g. <c>H|\^&amp;</c>), defaulting to <c>|</c> and <c>^</c>.</summary>
    private static (char Field, char Component) Delimiters(AstmMessage message)
    {
        var header = message.Records.FirstOrDefault(r => r.Length >= 5 && r[0] == (byte)'H');
        return header is null ? ('|', '^') : ((char)header[1], (char)header[3]);
    }

    /// <summary>
    /// Which component holds the id: the first non-blank one. Sysmex XN sends O-4 as <c>^^    sample-no^B</c>, most
    /// others put the id first; a blank field takes it in the first component.
    /// </summary>
    private static int IdComponent(string field, char component)
    {
        var parts = field.Split(component);
        var index = Array.FindIndex(parts, p => p.Trim().Length > 0);
        return index < 0 ? 0 : index;
    }

    private static string? FirstNonEmpty(string field, char component) =>
        field.Split(component).FirstOrDefault(p => p.Trim().Length > 0)?.Trim();

    private static string ReplaceComponent(string field, char component, int index, string value)
    {
        var parts = field.Split(component).ToList();
        while (parts.Count <= index) parts.Add("");
        parts[index] = value;
        return string.Join(component, parts);
    }
}
