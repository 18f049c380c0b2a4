using System.Collections.Frozen;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Catalog;

/// <summary>The loaded catalog with lookups by catalog code, LOINC, verified ФСЛИ and (profile, analyzer code).</summary>
public sealed class TestCatalog : ITestCatalog
{
    private readonly FrozenDictionary<string, TestDefinition> _byCode;
    private readonly FrozenDictionary<string, TestDefinition> _byLoinc;
    private readonly FrozenDictionary<string, TestDefinition> _byVerifiedFsli;
    private readonly FrozenDictionary<(string Profile, string Code), (TestDefinition Test, InstrumentTestCode Mapping)> _byAnalyzerCode;

    public TestCatalog(IReadOnlyList<TestDefinition> tests)
    {
        Tests = tests;
        _byCode = tests.ToFrozenDictionary(t => t.Code, StringComparer.OrdinalIgnoreCase);
        _byLoinc = tests.GroupBy(t => t.Loinc).ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _byVerifiedFsli = tests.Where(t => t.VerifiedFsli is not null)
            .ToFrozenDictionary(t => t.VerifiedFsli!.Trim(), StringComparer.Ordinal);
        var map = new Dictionary<(string, string), (TestDefinition, InstrumentTestCode)>(AnalyzerKeyComparer.Instance);
        foreach (var test in tests)
        {
            foreach (var code in test.InstrumentCodes)
            {
                if (!map.TryAdd((code.Profile, NormalizeAnalyzerCode(code.Code)), (test, code)))
                    throw new CatalogException($"analyzer code '{code.Code}' of profile '{code.Profile}' is mapped twice (second time in test '{test.Code}'); each analyzer code must map to one test");
            }
        }
        _byAnalyzerCode = map.ToFrozenDictionary(AnalyzerKeyComparer.Instance);
    }

    public IReadOnlyList<TestDefinition> Tests { get; }

    public TestDefinition? Find(string catalogCode) => _byCode.GetValueOrDefault(catalogCode);

    public TestDefinition? FindByLoinc(string loinc) => _byLoinc.GetValueOrDefault(loinc);

    public TestDefinition? FindByFsli(string fsli) => _byVerifiedFsli.GetValueOrDefault(fsli.Trim());

    public bool TryMapAnalyzerCode(string profile, string analyzerCode, out TestDefinition test, out InstrumentTestCode mapping)
    {
        if (_byAnalyzerCode.TryGetValue((profile, NormalizeAnalyzerCode(analyzerCode)), out var hit))
        {
            (test, mapping) = hit;
            return true;
        }
        test = null!;
        mapping = null!;
        return false;
    }

    /// <summary>Roche sends application codes with a trailing slash (<c>685/</c>, LIS02-A2 universal test id component); spaces are padding.</summary>
    private static string NormalizeAnalyzerCode(string code) => code.Trim().TrimEnd('/').Trim();

    private sealed class AnalyzerKeyComparer : IEqualityComparer<(string Profile, string Code)>
    {
        public static readonly AnalyzerKeyComparer Instance = new();

        public bool Equals((string Profile, string Code) x, (string Profile, string Code) y) =>
            string.Equals(x.Profile, y.Profile, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Code, y.Code, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Profile, string Code) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Profile), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Code));
    }
}

/// <summary>The catalog file is wrong; the message names the test and the field.</summary>
public sealed class CatalogException(string message) : Exception("Test catalog: " + message);
