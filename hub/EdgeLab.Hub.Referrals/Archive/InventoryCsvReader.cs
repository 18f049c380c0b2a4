using System.Text;

namespace EdgeLab.Hub.Referrals.Archive;

/// <summary>
/// Reads a CSV inventory row by row without holding the file (RFC 4180: fields in double quotes may hold the separator,
/// line breaks and doubled quotes). The separator is the first ',' or ';' of the header line — polyclinics export from
/// spreadsheets set to either. Row numbers are the file's line numbers of the row's first line (header = 1), so a
/// report names the line an operator opens.
/// </summary>
public sealed class InventoryCsvReader(TextReader reader)
{
    private readonly List<string> _fields = [];
    private readonly StringBuilder _field = new();
    private int _line;
    private char _separator = ',';

    public IReadOnlyList<string>? ReadHeader()
    {
        var first = reader.ReadLine();
        if (first is null) return null;
        _line = 1;
        if (first.Length > 0 && first[0] == '\uFEFF') first = first[1..];
        var comma = first.IndexOf(',');
        var semicolon = first.IndexOf(';');
        _separator = semicolon >= 0 && (comma < 0 || semicolon < comma) ? ';' : ',';
        return Split(first, out _);
    }

    /// <summary>The next non-empty row's fields and line number; false at the end. A quote left open at the end of the file is an error of that row.</summary>
    public bool TryRead(out int rowNumber, out IReadOnlyList<string> fields, out bool unterminatedQuote)
    {
        unterminatedQuote = false;
        while (true)
        {
            var line = reader.ReadLine();
            if (line is null) { rowNumber = 0; fields = []; return false; }
            _line++;
            if (line.Length == 0) continue;
            rowNumber = _line;
            fields = Split(line, out var open);
            while (open)
            {
                var more = reader.ReadLine();
                if (more is null) { unterminatedQuote = true; break; }
                _line++;
                fields = Continue("\n" + more, out open);
            }
            return true;
        }
    }

    private List<string> Split(string line, out bool openQuote)
    {
        _fields.Clear();
        _field.Clear();
        _inQuotes = false;
        return Continue(line, out openQuote);
    }

    private bool _inQuotes;

    private List<string> Continue(string text, out bool openQuote)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (_inQuotes)
            {
                if (ch != '"') _field.Append(ch);
                else if (i + 1 < text.Length && text[i + 1] == '"') { _field.Append('"'); i++; }
                else _inQuotes = false;
            }
            else if (ch == '"') _inQuotes = true;
            else if (ch == _separator) { _fields.Add(_field.ToString()); _field.Clear(); }
            else if (ch != '\r') _field.Append(ch);
        }
        openQuote = _inQuotes;
        if (!openQuote)
        {
            _fields.Add(_field.ToString());
            _field.Clear();
            return new List<string>(_fields);
        }
        return new List<string>(_fields);
    }
}
