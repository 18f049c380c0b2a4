using EdgeLab.Contract;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Tests.Catalog;

public sealed class CatalogTests
{
    private static readonly TestCatalog Catalog = CatalogLoader.LoadEmbedded();

    [Theory]
    [InlineData("sysmex-xn", "WBC", "WBC")]
    [InlineData("sysmex-xn", "NEUT#", "NEUT#")]
    [InlineData("horiba-pentra-xlr", "LYM%", "LYMPH%")]
    [InlineData("horiba-yumizen-h500", "HGB", "HGB")]
    [InlineData("mindray-bc5380", "718-7", "HGB")]
    [InlineData("roche-cobas-c311", "685/", "ALT")]
    [InlineData("roche-cobas-c111", "413", "ALB")]
    [InlineData("erba-xl", "DBILL", "DBIL")]
    [InlineData("cepheid-genexpert", "MTB", "MTB-DNA")]
    [InlineData("generic-lis2", "INR", "INR")]
    [InlineData("generic-hl7", "HBA1C", "HBA1C")]
    public void Analyzer_codes_of_the_sample_instruments_map_to_catalog_tests(string profile, string code, string expected)
    {
        Assert.True(Catalog.TryMapAnalyzerCode(profile, code, out var test, out _));
        Assert.Equal(expected, test.Code);
    }

    [Fact]
    public void Every_test_has_loinc_fsli_and_a_section()
    {
        Assert.True(Catalog.Tests.Count >= 40);
        Assert.All(Catalog.Tests, t =>
        {
            Assert.Matches("^[0-9]+-[0-9]$", t.Loinc);
            Assert.False(string.IsNullOrEmpty(t.Fsli));
            Assert.NotEmpty(t.InstrumentCodes);
        });
    }

    [Theory]
    [InlineData("10.5", "g/dL", "female", 40, 105, "L")]   // converted ×10; adult female 120–150
    [InlineData("12.5", "g/dL", "male", 40, 125, "L")]     // adult male 130–170
    [InlineData("12.5", "g/dL", "female", 40, 125, "N")]
    [InlineData("6.5", "g/dL", "male", 40, 65, "LL")]      // critical < 70
    [InlineData("140", "g/L", "male", 40, 140, "N")]       // already in the catalog's UCUM unit
    public void Hemoglobin_is_converted_ranged_and_interpreted(string value, string unit, string sex, int age, decimal numeric, string interpretation)
    {
        var test = Catalog.Find("HGB")!;
        var mapping = test.InstrumentCodes.First(m => m.Profile == "sysmex-xn");
        Assert.True(ResultNormalizer.TryNormalize(test, mapping, new ResultItem { Code = "HGB", Value = value, Units = unit }, sex == "male" ? Sex.Male : Sex.Female, age, out var v));
        Assert.Equal(numeric, v.Numeric);
        Assert.Equal(interpretation, v.Interpretation);
    }

    [Fact]
    public void Analyzer_flag_is_kept_but_a_critical_value_is_never_hidden_behind_it()
    {
        var wbc = Catalog.Find("WBC")!;
        var map = wbc.InstrumentCodes.First(m => m.Profile == "sysmex-xn");
        Assert.True(ResultNormalizer.TryNormalize(wbc, map, new ResultItem { Code = "WBC", Value = "9.5", Units = "10*3/uL", Flags = ["H"] }, Sex.Male, 30, out var flagged));
        Assert.Equal("H", flagged.Interpretation);
        Assert.True(ResultNormalizer.TryNormalize(wbc, map, new ResultItem { Code = "WBC", Value = "45", Units = "10*3/uL", Flags = ["H"] }, Sex.Male, 30, out var critical));
        Assert.Equal("HH", critical.Interpretation);
        Assert.True(ResultNormalizer.TryNormalize(wbc, map, new ResultItem { Code = "WBC", Value = "15", Units = "10*3/uL" }, Sex.Male, 3, out var child));
        Assert.Equal("H", child.Interpretation); // 1–6 years: 5.0–14.5
    }

    [Fact]
    public void Unknown_unit_is_refused_and_comparators_bound_the_interpretation()
    {
        var glu = Catalog.Find("GLU")!;
        var map = glu.InstrumentCodes.First(m => m.Profile == "erba-xl");
        Assert.False(ResultNormalizer.TryNormalize(glu, map, new ResultItem { Code = "GLU", Value = "5", Units = "furlongs" }, Sex.Male, 30, out _));
        Assert.True(ResultNormalizer.TryNormalize(glu, map, new ResultItem { Code = "GLU", Value = "<20", Units = "mg/dl" }, Sex.Male, 30, out var low));
        Assert.Equal("<", low.Comparator);
        Assert.Equal("LL", low.Interpretation); // < 1.11 mmol/L is certainly under the 2.8 critical limit
        // As a gateway sends it: the analyzer's text with its comparator still in it, and the comparator it parsed.
        Assert.True(ResultNormalizer.TryNormalize(glu, map, new ResultItem { Code = "GLU", Value = "<20", Numeric = 20, Comparator = "<", Units = "mg/dl" }, Sex.Male, 30, out var sent));
        Assert.Equal(("<", 1.11m), (sent.Comparator, sent.Numeric));
        Assert.Equal((7m, null), ResultNormalizer.ParseValue("=7", "="));
        Assert.Equal(((decimal?)null, (string?)null), ResultNormalizer.ParseValue("<>7", "<>"));
        var mtb = Catalog.Find("MTB-DNA")!;
        Assert.True(ResultNormalizer.TryNormalize(mtb, mtb.InstrumentCodes[0], new ResultItem { Code = "MTB", Value = "DETECTED" }, Sex.Male, 30, out var detected));
        Assert.Equal("A", detected.Interpretation);
    }

    [Fact]
    public void A_broken_catalog_file_is_reported_with_the_test_and_field() =>
        Assert.Contains("loinc", Assert.Throws<CatalogException>(() => CatalogLoader.Parse("tests:\n  - code: X\n    name: X\n    section: chemistry\n    specimenType: serum\n", "t.yaml")).Message);
}
