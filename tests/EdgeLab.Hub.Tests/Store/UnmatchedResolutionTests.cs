using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Store;

/// <summary>Issue 10, item 8: resolving a tube's held results says which ones it left held and why.</summary>
public sealed class UnmatchedResolutionTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Siblings_that_cannot_be_mapped_stay_held_and_the_outcome_says_why(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var specimen = (await hub.RegisterAsync(["WBC", "HGB"])).Specimens.Single();
        // A misread tube: every result held as UnknownSpecimen; one code is not in the catalog, one unit is unknown.
        var message = Messages.Cbc(1, "LAB-000999") with
        {
            Results =
            [
                new ResultItem { Code = "WBC", Value = "6.1", Units = "10*3/uL", Status = "F" },
                new ResultItem { Code = "XYZ", Value = "1", Status = "F" },
                new ResultItem { Code = "HGB", Value = "13.5", Units = "mmol/L", Status = "F" },
            ],
        };
        await hub.Writer.WriteAsync([Messages.Envelope(message)]);
        var held = (await hub.Store.ListUnmatchedAsync(AccessScope.Region, new UnmatchedQuery())).Items;
        var wbc = held.Single(u => u.AnalyzerCode == "WBC");

        var outcome = await hub.Store.ResolveUnmatchedAsync(AccessScope.Region, new UnmatchedResolution { UnmatchedId = wbc.Id, SpecimenId = specimen.Id, ResolvedBy = "tech-1" });

        Assert.Single(outcome.ResultIds);
        Assert.Equal(["HGB", "XYZ"], outcome.Skipped.Select(s => s.AnalyzerCode).Order());
        Assert.Contains("not in the catalog", outcome.Skipped.Single(s => s.AnalyzerCode == "XYZ").Reason, StringComparison.Ordinal);
        Assert.Contains("unit 'mmol/L'", outcome.Skipped.Single(s => s.AnalyzerCode == "HGB").Reason, StringComparison.Ordinal);
        var open = (await hub.Store.ListUnmatchedAsync(AccessScope.Region, new UnmatchedQuery())).Items;
        Assert.Equal(outcome.Skipped.Select(s => s.UnmatchedId).Order(), open.Select(u => u.Id).Order());
    }
}
