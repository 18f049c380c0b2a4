using EdgeLab.Hub.Labels;

namespace EdgeLab.Hub.Tests.Labels;

public sealed class Code128Tests
{
    /// <summary>Bar/space widths from GNU barcode 0.99 (`barcode -e 128 -E -n`, its leading 0-width space removed).</summary>
    [Theory]
    [InlineData("123456789012", "2112321122321311233311212411122141211122323111232331112")]
    [InlineData("PJJ123C", "2112143131211121331121331232212232112211321313213113212331112")]
    [InlineData("EdgeLab-42", "2112141321131412211221141122141321311211241214211221322212312232111123132331112")]
    [InlineData("HI345678", "2112142311132313111131411311233311212411121412212331112")]
    [InlineData("20260001234", "2112322212313212212122222221223121311141312212311222132331112")]
    [InlineData("00", "2112322122222222212331112")]
    public void Widths_match_an_independent_encoder(string text, string expected)
    {
        var symbols = Code128.Encode(text);
        Assert.Equal(expected, string.Concat(symbols.Widths));
    }

    [Fact]
    public void Pattern_table_is_well_formed()
    {
        Assert.Equal(107, Code128.Patterns.Length);
        Assert.Equal(106, Code128.Patterns.Take(106).Distinct().Count());
        for (var v = 0; v < 106; v++)
        {
            var w = Code128.Patterns[v].Select(c => c - '0').ToArray();
            Assert.Equal(11, w.Sum());
            Assert.Equal(0, (w[0] + w[2] + w[4]) % 2); // bars use an even number of modules (ISO/IEC 15417 §4.1)
        }
        Assert.Equal(13, Code128.Patterns[Code128.Stop].Sum(c => c - '0'));
    }

    [Fact]
    public void Check_symbol_is_weighted_sum_mod_103()
    {
        // Start B (104) + P48·1 + J42·2 + J42·3 + '1'17·4 + '2'18·5 + '3'19·6 + C35·7 = 879; 879 mod 103 = 55.
        var symbols = Code128.Encode("PJJ123C");
        Assert.Equal([104, 48, 42, 42, 17, 18, 19, 35, 55, 106], symbols.Values);
        Assert.Equal(55, symbols.CheckValue);
    }

    [Fact]
    public void Even_digit_string_uses_code_set_C_pairs()
    {
        var symbols = Code128.Encode("123456");
        Assert.Equal(Code128.StartC, symbols.Values[0]);
        Assert.Equal([12, 34, 56], symbols.Values.Skip(1).Take(3));
        Assert.Equal(6, symbols.Values.Count); // start, 3 pairs, check, stop
    }

    [Fact]
    public void Odd_digit_string_ends_in_code_set_B()
    {
        var symbols = Code128.Encode("12345");
        Assert.Equal([Code128.StartC, 12, 34, Code128.CodeB, '5' - ' '], symbols.Values.Take(5));
    }

    [Fact]
    public void Short_digit_runs_in_text_stay_in_B_and_long_ones_switch_to_C()
    {
        Assert.DoesNotContain(Code128.CodeC, Code128.Encode("A12B").Values.SkipLast(2));
        var mixed = Code128.Encode("AB1234567");
        // 7 digits at the end: the odd first digit stays in B, then C for 23 45 67.
        Assert.Equal([Code128.StartB, 33, 34, 17, Code128.CodeC, 23, 45, 67], mixed.Values.SkipLast(2));
    }

    [Fact]
    public void Module_count_and_bars_cover_the_symbol()
    {
        var symbols = Code128.Encode("20260001234");
        Assert.Equal(symbols.Widths.Sum(), symbols.Modules);
        var bars = symbols.Bars().ToList();
        Assert.Equal(0, bars[0].Start);
        Assert.Equal(symbols.Modules, bars[^1].Start + bars[^1].Width);
    }

    [Theory]
    [InlineData("Иванов")]
    [InlineData("tab\there")]
    public void Non_printable_ascii_is_refused(string text) =>
        Assert.Throws<ArgumentException>(() => Code128.Encode(text));
}
