using System.Text;

namespace EdgeLab.Instruments.Message.Lis2;

/// <summary>
/// Writes one record the host sends (LIS02-A2 §6.5): fields by number, components and repeats joined with the
/// message's delimiters, every text value escaped (§6.6.2) so it cannot break the record. Trailing empty fields are
/// left out, as §6.5.2 allows.
/// </summary>
internal sealed class Lis2RecordBuilder(char type, Lis2Delimiters delimiters)
{
    private readonly SortedDictionary<int, string> _fields = [];

    /// <summary>Sets field <paramref name="number"/> (LIS02-A2 numbering; the type letter is field 1) to escaped text.</summary>
    public Lis2RecordBuilder Text(int number, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            var sb = new StringBuilder();
            Lis2Text.AppendEscaped(sb, value, delimiters);
            _fields[number] = sb.ToString();
        }
        return this;
    }

    /// <summary>Sets field <paramref name="number"/> to components (1-based positions; gaps stay empty).</summary>
    public Lis2RecordBuilder Components(int number, params (int Component, string? Value)[] parts)
    {
        var text = ComponentsText(parts);
        if (text.Length > 0)
            _fields[number] = text;
        return this;
    }

    /// <summary>Sets field <paramref name="number"/> to repeats, each already built with <see cref="ComponentsText"/>.</summary>
    public Lis2RecordBuilder Repeats(int number, IEnumerable<string> repeats)
    {
        var text = string.Join((char)delimiters.Repeat, repeats);
        if (text.Length > 0)
            _fields[number] = text;
        return this;
    }

    /// <summary>Components joined with the component delimiter, each value escaped.</summary>
    public string ComponentsText(params (int Component, string? Value)[] parts)
    {
        var max = parts.Length == 0 ? 0 : parts.Max(p => string.IsNullOrEmpty(p.Value) ? 0 : p.Component);
        var sb = new StringBuilder();
        for (var c = 1; c <= max; c++)
        {
            if (c > 1)
                sb.Append((char)delimiters.Component);
            foreach (var (component, value) in parts)
            {
                if (component == c)
                    Lis2Text.AppendEscaped(sb, value, delimiters);
            }
        }
        return sb.ToString();
    }

    /// <summary>The record text without its CR. An H record gets its delimiter definition (§7.1.2) as field 2.</summary>
    public string Build()
    {
        var sb = new StringBuilder();
        sb.Append(type);
        var last = _fields.Count == 0 ? 1 : _fields.Keys.Max();
        for (var n = 2; n <= last; n++)
        {
            sb.Append((char)delimiters.Field);
            if (type == 'H' && n == 2)
                sb.Append(delimiters.Definition);
            else if (_fields.TryGetValue(n, out var v))
                sb.Append(v);
        }
        if (type == 'H' && last < 2)
            sb.Append((char)delimiters.Field).Append(delimiters.Definition);
        return sb.ToString();
    }
}
