using System.Text.RegularExpressions;
using EdgeLab.Hub.Domain;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace EdgeLab.Hub.Catalog;

/// <summary>Reads the catalog YAML (the embedded <c>regional-catalog.yaml</c> or a file) and validates it.</summary>
public static partial class CatalogLoader
{
    public const string EmbeddedName = "EdgeLab.Hub.Catalog.regional-catalog.yaml";

    private static readonly string[] Sections = ["hematology", "chemistry", "coagulation", "molecular"];

    public static TestCatalog LoadEmbedded()
    {
        using var stream = typeof(CatalogLoader).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new CatalogException("the embedded regional-catalog.yaml is missing from the build");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "regional-catalog.yaml");
    }

    public static TestCatalog LoadFile(string path)
    {
        if (!File.Exists(path)) throw new CatalogException($"file '{path}' does not exist; pass an existing catalog YAML or omit the option to use the built-in one");
        return Parse(File.ReadAllText(path), path);
    }

    public static TestCatalog Parse(string yaml, string source)
    {
        CatalogFile file;
        try
        {
            file = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<CatalogFile>(yaml)
                ?? throw new CatalogException($"{source} is empty");
        }
        catch (YamlException ex)
        {
            throw new CatalogException($"{source} line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}");
        }
        var tests = new List<TestDefinition>();
        foreach (var t in file.Tests ?? [])
        {
            string Need(string? value, string field) => string.IsNullOrWhiteSpace(value)
                ? throw new CatalogException($"{source}: test '{t.Code ?? "?"}' has no '{field}'")
                : value;
            var code = Need(t.Code, "code");
            var section = Need(t.Section, "section");
            if (!Sections.Contains(section)) throw new CatalogException($"{source}: test '{code}' has section '{section}'; use one of {string.Join(", ", Sections)}");
            var valueType = t.ValueType ?? "quantity";
            if (valueType is not ("quantity" or "coded")) throw new CatalogException($"{source}: test '{code}' has valueType '{valueType}'; use quantity or coded");
            tests.Add(new TestDefinition
            {
                Code = code,
                Name = Need(t.Name, "name"),
                NameRu = t.NameRu,
                Loinc = Need(t.Loinc, "loinc"),
                Fsli = t.Fsli,
                FsliToVerify = t.FsliToVerify,
                FsliName = VerifiedFsliName(t, code, source),
                Section = section,
                SpecimenType = Need(t.SpecimenType, "specimenType"),
                ValueType = valueType,
                Unit = t.Unit,
                Decimals = t.Decimals ?? 2,
                CriticalLow = t.CriticalLow,
                CriticalHigh = t.CriticalHigh,
                NormalText = t.NormalText,
                PatientNote = t.PatientNote,
                PatientNoteRu = t.PatientNoteRu,
                Sensitive = t.Sensitive,
                ReferenceRanges = (t.ReferenceRanges ?? []).Select(r => new ReferenceRangeRule
                {
                    Sex = r.Sex switch
                    {
                        null => null,
                        "male" => Sex.Male,
                        "female" => Sex.Female,
                        _ => throw new CatalogException($"{source}: test '{code}' has a range with sex '{r.Sex}'; use male or female"),
                    },
                    AgeFromYears = r.AgeFrom ?? 0,
                    AgeToYears = r.AgeTo ?? 200,
                    Low = r.Low,
                    High = r.High,
                    Text = r.Text,
                }).ToList(),
                InstrumentCodes = (t.Instruments ?? []).Select(i => new InstrumentTestCode
                {
                    Profile = Need(i.Profile, "instruments.profile"),
                    Code = Need(i.Code, "instruments.code"),
                    Unit = i.Unit,
                    Factor = i.Factor is { } f && f > 0 ? f : i.Factor is null ? 1m
                        : throw new CatalogException($"{source}: test '{code}' has a non-positive factor for {i.Profile}"),
                }).ToList(),
                Autoverification = t.Autoverify is null ? null : AutoverifyRule(t.Autoverify, code, valueType, source),
            });
        }
        var duplicate = tests.GroupBy(t => t.Code, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new CatalogException($"{source}: test code '{duplicate.Key}' appears twice");
        // A ФСЛИ code names one analyte in one specimen by one property and method, and each catalog test is one such
        // measurement (analyzers are told apart by 'instruments', not by extra tests), so a shared code is a copy error;
        // it would also make an incoming ФСЛИ coding ambiguous.
        var sharedFsli = tests.Where(t => !string.IsNullOrWhiteSpace(t.Fsli)).GroupBy(t => t.Fsli!.Trim()).FirstOrDefault(g => g.Count() > 1);
        if (sharedFsli is not null)
            throw new CatalogException($"{source}: ФСЛИ code '{sharedFsli.Key}' is given to tests {string.Join(", ", sharedFsli.Select(t => $"'{t.Code}'"))}; each test needs its own ФСЛИ code");
        return new TestCatalog(tests);
    }

    /// <summary>The test's <c>autoverify</c> block: every limit positive, a delta only for quantities and with a window.</summary>
    private static AutoverificationRule AutoverifyRule(AutoverifyYaml a, string code, string valueType, string source)
    {
        string Where(string field) => $"{source}: test '{code}' autoverify.{field}";
        if (a.MaxSpecimenAgeHours is not > 0) throw new CatalogException($"{Where("maxSpecimenAgeHours")} must be a positive number of hours (specimen stability)");
        var qc = a.QcUnknown switch
        {
            "release" => QcUnknownAction.Release,
            "hold" => QcUnknownAction.Hold,
            _ => throw new CatalogException($"{Where("qcUnknown")} is '{a.QcUnknown}'; say what to do while the instrument's QC state is unknown: release or hold"),
        };
        if (a.ReleaseLow is { } lo && a.ReleaseHigh is { } hi && lo > hi) throw new CatalogException($"{Where("releaseLow")} is above releaseHigh");
        DeltaCheck? delta = null;
        if (a.DeltaPercent is not null || a.DeltaAbsolute is not null)
        {
            if (valueType != "quantity") throw new CatalogException($"{Where("delta")}: a delta check needs a quantity; remove it from this coded test");
            if (a.DeltaPercent is <= 0 || a.DeltaAbsolute is <= 0) throw new CatalogException($"{Where("delta")} limits must be positive");
            if (a.DeltaWindowHours is not > 0) throw new CatalogException($"{Where("deltaWindowHours")} must be a positive number of hours when a delta limit is given");
            delta = new DeltaCheck { Window = TimeSpan.FromHours(a.DeltaWindowHours.Value), Percent = a.DeltaPercent, Absolute = a.DeltaAbsolute };
        }
        return new AutoverificationRule
        {
            ReleaseLow = a.ReleaseLow,
            ReleaseHigh = a.ReleaseHigh,
            Delta = delta,
            MaxSpecimenAge = TimeSpan.FromHours(a.MaxSpecimenAgeHours.Value),
            WhenQcUnknown = qc,
        };
    }

    /// <summary>A verified ФСЛИ entry must carry a directory-shaped code and the directory's name for it.</summary>
    private static string? VerifiedFsliName(TestYaml t, string code, string source)
    {
        if (t.FsliToVerify || string.IsNullOrWhiteSpace(t.Fsli)) return string.IsNullOrWhiteSpace(t.FsliName) ? null : t.FsliName.Trim();
        if (!FsliCode().IsMatch(t.Fsli))
            throw new CatalogException($"{source}: test '{code}' has ФСЛИ code '{t.Fsli}'; a ФСЛИ test code is 7 digits (e.g. 1017128), or mark it fsliToVerify: true");
        if (string.IsNullOrWhiteSpace(t.FsliName))
            throw new CatalogException($"{source}: test '{code}' has a verified ФСЛИ code '{t.Fsli}' but no 'fsliName'; give the directory's name for it, or mark it fsliToVerify: true");
        return t.FsliName.Trim();
    }

    /// <summary>ФСЛИ (1.2.643.5.1.13.13.11.1080) test ids are seven-digit numbers (1000000 and up).</summary>
    [GeneratedRegex("^[1-9][0-9]{6}$")]
    private static partial Regex FsliCode();

    private sealed class CatalogFile
    {
        public List<TestYaml>? Tests { get; set; }
    }

    private sealed class TestYaml
    {
        public string? Code { get; set; }
        public string? Name { get; set; }
        public string? NameRu { get; set; }
        public string? Loinc { get; set; }
        public string? Fsli { get; set; }
        public bool FsliToVerify { get; set; }
        public string? FsliName { get; set; }
        public string? Section { get; set; }
        public string? SpecimenType { get; set; }
        public string? ValueType { get; set; }
        public string? Unit { get; set; }
        public int? Decimals { get; set; }
        public decimal? CriticalLow { get; set; }
        public decimal? CriticalHigh { get; set; }
        public string? NormalText { get; set; }
        public string? PatientNote { get; set; }
        public string? PatientNoteRu { get; set; }
        public bool Sensitive { get; set; }
        public List<RangeYaml>? ReferenceRanges { get; set; }
        public List<InstrumentYaml>? Instruments { get; set; }
        public AutoverifyYaml? Autoverify { get; set; }
    }

    private sealed class AutoverifyYaml
    {
        public decimal? ReleaseLow { get; set; }
        public decimal? ReleaseHigh { get; set; }
        public decimal? DeltaPercent { get; set; }
        public decimal? DeltaAbsolute { get; set; }
        public double? DeltaWindowHours { get; set; }
        public double? MaxSpecimenAgeHours { get; set; }
        public string? QcUnknown { get; set; }
    }

    private sealed class RangeYaml
    {
        public string? Sex { get; set; }
        public int? AgeFrom { get; set; }
        public int? AgeTo { get; set; }
        public decimal? Low { get; set; }
        public decimal? High { get; set; }
        public string? Text { get; set; }
    }

    private sealed class InstrumentYaml
    {
        public string? Profile { get; set; }
        public string? Code { get; set; }
        public string? Unit { get; set; }
        public decimal? Factor { get; set; }
    }
}
