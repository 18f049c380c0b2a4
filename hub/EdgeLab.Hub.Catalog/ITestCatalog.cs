using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Catalog;

/// <summary>The regional test catalog, loaded once from <c>Catalog/regional-catalog.yaml</c> (or a file given in configuration).</summary>
public interface ITestCatalog
{
    IReadOnlyList<TestDefinition> Tests { get; }

    /// <summary>By regional catalog code (case-insensitive).</summary>
    TestDefinition? Find(string catalogCode);

    TestDefinition? FindByLoinc(string loinc);

    /// <summary>By verified ФСЛИ code; placeholders (<c>fsliToVerify: true</c>) are not found.</summary>
    TestDefinition? FindByFsli(string fsli);

    /// <summary>Maps an analyzer's own code on a model (dialect profile) to the catalog test and its unit conversion.</summary>
    bool TryMapAnalyzerCode(string profile, string analyzerCode, out TestDefinition test, out InstrumentTestCode mapping);
}
