using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Ingest;

/// <summary>
/// Issue 10, item 3 and 8: a value is interpreted only in a known unit, a retransmission is not a correction, and the
/// range shown beside a converted value is in the value's unit. Real SQLite file and real PostgreSQL.
/// </summary>
public sealed class UnitSafetyTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private static readonly string[] BcCbc = ["WBC", "RBC", "HGB", "HCT", "MCV", "MCH", "MCHC", "PLT", "RDW-CV", "MPV"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_value_without_the_unit_the_catalog_expects_is_stored_for_review_with_the_analyzers_flag_and_never_critical(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var specimen = (await hub.RegisterAsync(["HCT", "HGB"])).Specimens.Single();
        // sysmex-xn HCT is mapped with unit "%": 0.405 without a unit would be 0.405 % (LL < 20 %) if guessed.
        var message = Single(1, specimen.Id, "sysmex-xn", new ResultItem { Code = "HCT", Value = "0.405", Units = null, Flags = ["N"], ReferenceRange = "0.370-0.480", Status = "F" });

        var outcome = await hub.Writer.WriteAsync([Messages.Envelope(message)]);

        Assert.Equal(1, outcome.Results);
        Assert.Equal(0, outcome.Unmatched);
        Assert.Equal(0, outcome.Notifications);
        var hct = (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { Codes = ["HCT"] })).Items.Single();
        Assert.Equal(InterpretationCodes.Normal, hct.Interpretation); // the analyzer's N, not a computed LL
        Assert.Equal(0.405m, hct.Numeric); // not converted
        Assert.Null(hct.Unit); // no unit asserted
        Assert.Null(hct.ReferenceLow); // the catalog's 35–45 % is not set beside a unitless value
        Assert.Equal("0.370-0.480", hct.ReferenceText); // the analyzer's own range, same scale as its value
        Assert.NotNull(hct.Review);
        Assert.Contains("no unit", hct.Review, StringComparison.Ordinal);
        await using var c = await hub.Database.OpenAsync();
        Assert.Equal(0L, await Dapper.SqlMapper.ExecuteScalarAsync<long>(c, "SELECT COUNT(*) FROM critical_notification"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bc5380_sample_links_every_ordered_cbc_test_by_the_name_its_profile_yields_and_hct_is_40_5_percent_normal(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var specimen = (await hub.RegisterAsync(BcCbc)).Specimens.Single();
        // OBX-3.2 names and OBX-5/6/7/8 as in tests/samples/hl7/mindray_bc5380_hl7_oru_r01.hl7 (profile testCode: OBX-3.2).
        ResultItem[] items =
        [
            new() { Code = "WBC", Value = "9.81", Units = "10*9/L", ReferenceRange = "4.00-10.00", Flags = ["N"], Status = "F" },
            new() { Code = "RBC", Value = "4.53", Units = "10*12/L", ReferenceRange = "3.50-5.00", Flags = ["N"], Status = "F" },
            new() { Code = "HGB", Value = "65", Units = "g/L", ReferenceRange = "110-150", Flags = ["L"], Status = "F" },
            new() { Code = "MCV", Value = "89.5", Units = "fL", ReferenceRange = "80.0-100.0", Flags = ["N"], Status = "F" },
            new() { Code = "MCH", Value = "14.4", Units = "pg", ReferenceRange = "27.0-31.0", Flags = ["L"], Status = "F" },
            new() { Code = "MCHC", Value = "160", Units = "g/L", ReferenceRange = "320-360", Flags = ["L"], Status = "F" },
            new() { Code = "RDW-CV", Value = "0.133", ReferenceRange = "0.115-0.145", Flags = ["N"], Status = "F" },
            new() { Code = "HCT", Value = "0.405", ReferenceRange = "0.370-0.480", Flags = ["N"], Status = "F" },
            new() { Code = "PLT", Value = "212", Units = "10*9/L", ReferenceRange = "100-300", Flags = ["N"], Status = "F" },
            new() { Code = "MPV", Value = "6.6", Units = "fL", ReferenceRange = "7.0-11.0", Flags = ["L"], Status = "F" },
        ];
        var message = Single(1, specimen.Id, "mindray-bc5380", items);

        var outcome = await hub.Writer.WriteAsync([Messages.Envelope(message)]);

        Assert.Equal(0, outcome.Unmatched);
        Assert.Equal(BcCbc.Length, outcome.Results);
        var stored = (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = specimen.Id })).Items;
        Assert.Equal(BcCbc.Order(), stored.Select(r => r.CatalogCode).Order());
        var hct = stored.Single(r => r.CatalogCode == "HCT");
        Assert.Equal(40.5m, hct.Numeric);
        Assert.Equal("%", hct.Unit);
        Assert.Equal(InterpretationCodes.Normal, hct.Interpretation);
        Assert.Null(hct.Review);
        Assert.Equal(13.3m, stored.Single(r => r.CatalogCode == "RDW-CV").Numeric);
        // HGB 65 g/L is below the critical 70 g/L: that one, and only that one, is critical.
        Assert.Equal(1, outcome.Notifications);
        Assert.Equal(["HGB"], stored.Where(r => r.IsCritical).Select(r => r.CatalogCode));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_identical_retransmission_is_neither_a_new_result_nor_a_correction_nor_a_second_notification(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single();
        // Same content under a new message id (the gateway's repeat window had passed): 5.8 g/dL = 58 g/L, critical.
        var first = await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, specimen.Id, hgb: "5.8"))]);
        var again = await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(2, specimen.Id, hgb: "5.8"))]);
        // In one batch as well.
        var twice = await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(3, specimen.Id, hgb: "5.8")), Messages.Envelope(Messages.Cbc(4, specimen.Id, hgb: "5.8"))]);

        Assert.Equal((3, 1), (first.Results, first.Notifications));
        Assert.Equal((0, 0), (again.Results, again.Notifications));
        Assert.Equal((0, 0), (twice.Results, twice.Notifications));
        Assert.Equal([2L], again.AcksByGateway[(TestHub.Gateway, Messages.Epoch)]);
        var all = (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = specimen.Id, IncludeSuperseded = true })).Items;
        Assert.Equal(3, all.Count);
        Assert.All(all, r => Assert.Null(r.SupersedesId));

        // A real change is still a correction and supersedes.
        var changed = await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(5, specimen.Id, hgb: "5.9"))]);
        Assert.Equal(1, changed.Results);
        var hgb = (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = specimen.Id, Codes = ["HGB"] })).Items.Single();
        Assert.Equal(59m, hgb.Numeric);
        Assert.NotNull(hgb.SupersedesId);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_range_text_beside_a_converted_value_is_never_the_analyzers_range_in_its_own_unit(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var specimen = (await hub.RegisterAsync(["HGB"])).Specimens.Single();
        // sysmex-xn HGB in g/dL × 10 → g/L; the analyzer's "12.0-17.5" is g/dL and must not stand beside 148 g/L.
        var message = Single(1, specimen.Id, "sysmex-xn", new ResultItem { Code = "HGB", Value = "14.8", Units = "g/dL", ReferenceRange = "12.0-17.5", Status = "F" });

        await hub.Writer.WriteAsync([Messages.Envelope(message)]);

        var hgb = (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { Codes = ["HGB"] })).Items.Single();
        Assert.Equal(148m, hgb.Numeric);
        Assert.Equal((120m, 150m), (hgb.ReferenceLow, hgb.ReferenceHigh)); // the catalog's adult female range, in g/L
        Assert.Null(hgb.ReferenceText);
    }

    private static ResultMessage Single(long sequence, string specimenId, string profile, params ResultItem[] items) =>
        Messages.Cbc(sequence, specimenId) with
        {
            Profile = profile,
            Results = items.Select(i => i with { CompletedAt = Messages.At }).ToArray(),
        };
}
