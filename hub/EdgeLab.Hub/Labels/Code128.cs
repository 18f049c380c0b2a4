namespace EdgeLab.Hub.Labels;

/// <summary>
/// Code 128 (ISO/IEC 15417) encoder. Each symbol is 3 bars and 3 spaces, 11 modules wide; the stop pattern is
/// 13 modules (2 bars longer). The symbol check character is (start value + Σ position × value) mod 103
/// (ISO/IEC 15417 §4.3.2). Code set C packs digit pairs (used for runs of ≥ 4 digits, or a whole even run),
/// code set B carries printable ASCII 32–127. A quiet zone of at least 10 modules on each side is the renderer's job.
/// </summary>
internal static class Code128
{
    public const int StartA = 103;
    public const int StartB = 104;
    public const int StartC = 105;
    public const int Stop = 106;
    public const int CodeB = 100;
    public const int CodeC = 99;
    public const int QuietZoneModules = 10;

    /// <summary>Bar/space widths of values 0–106 (ISO/IEC 15417 Table 1), bar first.</summary>
    internal static readonly string[] Patterns =
    [
        "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
        "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
        "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
        "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
        "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
        "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
        "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
        "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
        "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
        "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
        "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
    ];

    /// <summary>Encodes <paramref name="text"/> (printable ASCII) into symbol values including start, check and stop.</summary>
    public static Code128Symbols Encode(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        foreach (var ch in text)
        {
            if (ch is < ' ' or > '\u007f')
                throw new ArgumentException($"Code 128 set B/C carries printable ASCII only; U+{(int)ch:X4} cannot be encoded.", nameof(text));
        }

        var values = new List<int>();
        var i = 0;
        var set = DigitRun(text, 0) is var lead && (lead >= 4 || (lead == text.Length && lead % 2 == 0)) ? 'C' : 'B';
        values.Add(set == 'C' ? StartC : StartB);
        while (i < text.Length)
        {
            if (set == 'C')
            {
                if (DigitRun(text, i) >= 2)
                {
                    values.Add((text[i] - '0') * 10 + (text[i + 1] - '0'));
                    i += 2;
                    continue;
                }
                values.Add(CodeB);
                set = 'B';
            }
            var run = DigitRun(text, i);
            // Switch to C for a run that pays for the switch: ≥ 4 digits reaching the end, ≥ 6 in the middle
            // (ISO/IEC 15417 Annex E minimal-length rules); an odd run keeps its first digit in B.
            var atEnd = i + run == text.Length;
            if (run >= 6 || (run >= 4 && atEnd))
            {
                if (run % 2 == 1)
                {
                    values.Add(text[i] - ' ');
                    i++;
                }
                values.Add(CodeC);
                set = 'C';
                continue;
            }
            values.Add(text[i] - ' ');
            i++;
        }

        var check = values[0];
        for (var p = 1; p < values.Count; p++) check += p * values[p];
        check %= 103;
        values.Add(check);
        values.Add(Stop);
        return new Code128Symbols(text, values);
    }

    private static int DigitRun(string text, int from)
    {
        var n = 0;
        while (from + n < text.Length && char.IsAsciiDigit(text[from + n])) n++;
        return n;
    }
}

/// <summary>The symbol values of one Code 128 barcode (start … check, stop) and its bar/space module widths.</summary>
internal sealed record Code128Symbols(string Text, IReadOnlyList<int> Values)
{
    public int CheckValue => Values[^2];

    /// <summary>Alternating bar, space, bar … widths in modules, from the start symbol through the stop pattern.</summary>
    public IReadOnlyList<int> Widths =>
        Values.SelectMany(v => Code128.Patterns[v].Select(c => c - '0')).ToList();

    /// <summary>Total width in modules, without quiet zones: 11 per symbol, 13 for stop.</summary>
    public int Modules => (Values.Count - 1) * 11 + 13;

    /// <summary>Bars as (start module, width in modules), for renderers that draw rectangles.</summary>
    public IEnumerable<(int Start, int Width)> Bars()
    {
        var x = 0;
        var bar = true;
        foreach (var w in Widths)
        {
            if (bar) yield return (x, w);
            x += w;
            bar = !bar;
        }
    }
}
