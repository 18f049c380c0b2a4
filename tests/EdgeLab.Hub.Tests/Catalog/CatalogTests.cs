using EdgeLab.Contract;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Mapping;

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
    [InlineData("mindray-bc5380", "HCT", "HCT")] // the OBX-3.2 names its profile yields (issue 10, item 3)
    [InlineData("mindray-bc5380", "MCV", "MCV")]
    [InlineData("mindray-bc5380", "RDW-CV", "RDW-CV")]
    [InlineData("sysmex-xp", "MXD#", null)]
    [InlineData("sysmex-xp", "HGB", "HGB")]
    [InlineData("pixcell-hemoscreen", "NEU%", "NEUT%")]
    [InlineData("mindray-bc2000", "WBC", "WBC")]
    [InlineData("sysmex-xn-hl7", "RDW", "RDW-CV")]
    [InlineData("horiba-pentra60", "LYM#", "LYMPH#")]
    [InlineData("horiba-micros60", "PLT", "PLT")]
    [InlineData("hitachi-7600", "717/", "GLU")]
    [InlineData("mindray-bs200", "GLU", "GLU")]
    [InlineData("mindray-bs360e", "CREA", "CREA")]
    [InlineData("stago-start4", "INR", "INR")]
    [InlineData("abbott-afinion2", "HbA1c", "HBA1C")]
    public void Analyzer_codes_of_the_sample_instruments_map_to_catalog_tests(string profile, string code, string? expected)
    {
        var mapped = Catalog.TryMapAnalyzerCode(profile, code, out var test, out _);
        Assert.Equal(expected, mapped ? test.Code : null);
    }

    [Fact]
    public void Every_profile_the_catalog_maps_ships_in_firmware_config()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "firmware-config", "instruments"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var shipped = Directory.GetFiles(Path.Combine(dir.FullName, "firmware-config", "instruments"), "*.yaml").Select(Path.GetFileNameWithoutExtension).ToHashSet();
        var mapped = Catalog.Tests.SelectMany(t => t.InstrumentCodes).Select(c => c.Profile).Distinct().ToList();
        Assert.All(mapped, p => Assert.Contains(p, shipped));
        Assert.True(mapped.Count >= 20, $"{mapped.Count} profiles mapped");
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

    /// <summary>The complete blood count codes verified in Catalog/FSLI-SOURCES.md (ФСЛИ 3.40), written out here so a slip in the YAML shows.</summary>
    public static TheoryData<string, string, string> VerifiedBloodCount => new()
    {
        { "WBC", "1017979", "Лейкоциты, количество в крови методом автоматизированного подсчёта" },
        { "HGB", "1017128", "Гемоглобин общий, массовая концентрация в крови" },
        { "HCT", "1017359", "Гематокрит крови методом автоматизированного подсчёта" },
        { "MCHC", "1169994", "Средняя концентрация гемоглобина в эритроците в крови методом автоматизированного подсчёта" },
        { "PLT", "1017862", "Тромбоциты в крови методом автоматизированного подсчёта" },
        { "NEUT%", "1018290", "Нейтрофилы, относительное количество в крови методом автоматизированного подсчёта" },
        { "NEUT#", "1018282", "Нейтрофилы, абсолютное количество в крови методом автоматизированного подсчёта" },
    };

    [Fact]
    public void Every_verified_fsli_is_a_seven_digit_code_with_its_directory_name()
    {
        var verified = Catalog.Tests.Where(t => !t.FsliToVerify).ToList();
        Assert.Equal(20, verified.Count); // the 20 blood-count tests of FSLI-SOURCES.md; RDW-SD and PCT are not proven
        Assert.All(verified, t =>
        {
            Assert.Equal("hematology", t.Section);
            Assert.Matches("^[1-9][0-9]{6}$", t.Fsli);
            Assert.False(string.IsNullOrWhiteSpace(t.FsliName));
            Assert.Contains("крови", t.FsliName, StringComparison.Ordinal); // whole blood, as a hematology analyzer measures it
        });
        Assert.Equal(Catalog.Tests.Count, Catalog.Tests.Select(t => t.Fsli).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(VerifiedBloodCount))]
    public void A_blood_count_observation_carries_the_verified_fsli_code_and_its_directory_name(string test, string fsli, string fsliName)
    {
        var observation = ObservationMapper.ToFhir(Result(test), Catalog);

        var coding = Assert.Single(observation.Code.Coding!, c => c.System == FhirSystems.Fsli);
        Assert.Equal("urn:oid:1.2.643.5.1.13.13.11.1080", coding.System);
        Assert.Equal(fsli, coding.Code);
        Assert.Equal(fsliName, coding.Display);
        Assert.Equal(test, Catalog.FindByFsli(fsli)?.Code);
    }

    [Fact]
    public void A_placeholder_fsli_is_neither_sent_nor_matched()
    {
        var alt = Catalog.Find("ALT")!;
        Assert.True(alt.FsliToVerify);
        Assert.DoesNotContain(ObservationMapper.ToFhir(Result("ALT"), Catalog).Code.Coding!, c => c.System == FhirSystems.Fsli);
        Assert.Null(Catalog.FindByFsli(alt.Fsli!));
        Assert.Contains(ObservationMapper.ToFhir(Result("ALT"), Catalog).Code.Coding!, c => c.System == FhirSystems.Loinc && c.Code == "1742-6");
    }

    [Fact]
    public void The_loader_refuses_two_tests_with_one_fsli_code()
    {
        var yaml = "tests:\n" + TestYaml("A", "1017128", "Гемоглобин общий, массовая концентрация в крови") + TestYaml("B", "1017128", "Гемоглобин общий, массовая концентрация в крови");
        var message = Assert.Throws<CatalogException>(() => CatalogLoader.Parse(yaml, "t.yaml")).Message;
        Assert.Contains("'1017128'", message, StringComparison.Ordinal);
        Assert.Contains("'A', 'B'", message, StringComparison.Ordinal);
        Assert.Equal(2, CatalogLoader.Parse("tests:\n" + TestYaml("A", "1017128", "x") + TestYaml("B", "1017375", "y"), "t.yaml").Tests.Count);
    }

    [Theory]
    [InlineData("1017128", "", "fsliName")]
    [InlineData("10171", "Гемоглобин", "7 digits")]
    [InlineData("HGB-1", "Гемоглобин", "7 digits")]
    public void The_loader_refuses_a_verified_fsli_without_a_directory_shaped_code_or_name(string fsli, string fsliName, string expected)
    {
        var message = Assert.Throws<CatalogException>(() => CatalogLoader.Parse("tests:\n" + TestYaml("A", fsli, fsliName), "t.yaml")).Message;
        Assert.Contains("'A'", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        // The same entry is accepted while it is still marked as a placeholder.
        Assert.True(CatalogLoader.Parse("tests:\n" + TestYaml("A", fsli, fsliName) + "    fsliToVerify: true\n", "t.yaml").Find("A")!.FsliToVerify);
    }

    private static string TestYaml(string code, string fsli, string fsliName) =>
        $"  - code: \"{code}\"\n    name: \"{code}\"\n    loinc: \"718-7\"\n    fsli: \"{fsli}\"\n    fsliName: \"{fsliName}\"\n    section: hematology\n    specimenType: blood-edta\n";

    private static LabResult Result(string catalogCode) => new()
    {
        Id = 1,
        SpecimenId = "S1",
        ReferralId = "R1",
        PatientId = "P1",
        PerformingLabId = "LAB1",
        CatalogCode = catalogCode,
        AnalyzerCode = catalogCode,
        Value = "5",
        Numeric = 5m,
        Unit = Catalog.Find(catalogCode)!.Unit,
        Status = ResultStatus.Final,
        EffectiveAt = new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero),
        IssuedAt = new DateTimeOffset(2026, 11, 2, 8, 5, 0, TimeSpan.Zero),
        GatewayId = "gw1",
        InstrumentId = "xn1",
        MessageId = "gw1:1",
        IsCurrent = true,
    };
}
