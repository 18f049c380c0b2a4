using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Linking;

namespace EdgeLab.Hub.Tests.Validation;

/// <summary>The catalog's autoverification rules, check by check (issue 13): each reason held, each passing case released.</summary>
public sealed class AutoverificationRuleTests
{
    private static readonly TestCatalog Catalog = CatalogLoader.LoadEmbedded();
    private static readonly DateTimeOffset At = new(2026, 11, 21, 8, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Every_catalog_test_ships_a_rule_that_says_what_happens_while_QC_is_unknown()
    {
        Assert.NotEmpty(Catalog.Tests);
        Assert.All(Catalog.Tests, t =>
        {
            var rule = Assert.IsType<AutoverificationRule>(t.Autoverification);
            Assert.True(rule.MaxSpecimenAge > TimeSpan.Zero, t.Code);
            Assert.True(Enum.IsDefined(rule.WhenQcUnknown), t.Code);
            // A quantity is delta-checked; a coded result is not (there is no difference to measure).
            Assert.Equal(t.ValueType == "quantity", rule.Delta is not null);
        });
    }

    [Fact]
    public void A_normal_result_is_released()
    {
        Assert.Empty(Evaluate("HGB", 135m, InterpretationCodes.Normal));
        Assert.Empty(Evaluate("SARS2-RNA", null, InterpretationCodes.Normal, value: "NOT DETECTED"));
    }

    [Fact]
    public void Outside_the_reference_range_is_held()
    {
        Assert.Equal([HoldReason.OutsideReferenceRange], Evaluate("HGB", 110m, InterpretationCodes.Low));
        Assert.Equal([HoldReason.OutsideReferenceRange], Evaluate("SARS2-RNA", null, InterpretationCodes.Abnormal, value: "DETECTED"));
    }

    [Fact]
    public void A_critical_value_is_held_as_critical()
    {
        Assert.Equal([HoldReason.Critical], Evaluate("HGB", 60m, InterpretationCodes.CriticalLow));
    }

    [Fact]
    public void Without_a_reference_range_nothing_is_released()
    {
        Assert.Equal([HoldReason.NoReferenceRange], Evaluate("HGB", 135m, interpretation: null));
    }

    [Fact]
    public void The_narrower_release_range_holds_what_the_reference_range_lets_through()
    {
        // Potassium: reference 3.5–5.1 mmol/L, auto-release 3.6–5.0.
        Assert.Equal([HoldReason.OutsideReleaseRange], Evaluate("K", 5.05m, InterpretationCodes.Normal));
        Assert.Empty(Evaluate("K", 5.0m, InterpretationCodes.Normal));
        Assert.Empty(Evaluate("K", 3.6m, InterpretationCodes.Normal));
    }

    [Fact]
    public void Any_analyzer_flag_other_than_N_holds()
    {
        Assert.Equal([HoldReason.AnalyzerFlag], Evaluate("HGB", 135m, InterpretationCodes.Normal, flags: ["H"]));
        Assert.Equal([HoldReason.AnalyzerFlag], Evaluate("HGB", 135m, InterpretationCodes.Normal, flags: ["N", "W"]));
        Assert.Empty(Evaluate("HGB", 135m, InterpretationCodes.Normal, flags: ["N"]));
    }

    [Fact]
    public void Delta_check_holds_a_large_change_within_the_window_only()
    {
        // WBC: 50 % within 72 h. 4.2 → 8.5 is +102 %.
        Assert.Equal([HoldReason.DeltaExceeded], Evaluate("WBC", 8.5m, InterpretationCodes.Normal, previous: new PreviousResult(1, 4.2m, At.AddHours(-71))));
        Assert.Empty(Evaluate("WBC", 8.5m, InterpretationCodes.Normal, previous: new PreviousResult(1, 4.2m, At.AddHours(-73))));
        Assert.Empty(Evaluate("WBC", 6.0m, InterpretationCodes.Normal, previous: new PreviousResult(1, 4.2m, At.AddHours(-1)))); // +43 %
        // HGB: absolute 20 g/L.
        Assert.Equal([HoldReason.DeltaExceeded], Evaluate("HGB", 121m, InterpretationCodes.Normal, previous: new PreviousResult(1, 145m, At.AddHours(-2))));
        Assert.Empty(Evaluate("HGB", 126m, InterpretationCodes.Normal, previous: new PreviousResult(1, 145m, At.AddHours(-2))));
    }

    [Fact]
    public void The_delta_baseline_is_the_latest_earlier_result()
    {
        PreviousResult[] history = [new(1, 4.2m, At.AddHours(-10)), new(2, 8.0m, At.AddHours(-2)), new(3, 1.0m, At.AddHours(1))];
        Assert.Equal(2, Autoverifier.Latest(history, At, excludingId: 99)!.Value.Id);
        Assert.Null(Autoverifier.Latest([], At, 99));
    }

    [Fact]
    public void A_failed_QC_holds_and_an_unknown_QC_does_what_the_rule_says()
    {
        Assert.Equal([HoldReason.QcFailed], Evaluate("HGB", 135m, InterpretationCodes.Normal, qc: QcState.Failed));
        Assert.Empty(Evaluate("HGB", 135m, InterpretationCodes.Normal, qc: QcState.Unknown)); // shipped rules: release
        var holding = Catalog.Find("HGB")! with { Autoverification = Catalog.Find("HGB")!.Autoverification! with { WhenQcUnknown = QcUnknownAction.Hold } };
        Assert.Equal([HoldReason.QcUnknown], Autoverifier.Evaluate(holding, Result("HGB", 135m, InterpretationCodes.Normal), null, null, QcState.Unknown));
        Assert.Empty(Autoverifier.Evaluate(holding, Result("HGB", 135m, InterpretationCodes.Normal), null, null, QcState.Passed));
    }

    [Fact]
    public void A_specimen_measured_after_its_stability_is_held()
    {
        // Potassium: 4 h.
        Assert.Equal([HoldReason.SpecimenTooOld], Evaluate("K", 4.2m, InterpretationCodes.Normal, collectedAt: At.AddHours(-4).AddMinutes(-1)));
        Assert.Empty(Evaluate("K", 4.2m, InterpretationCodes.Normal, collectedAt: At.AddHours(-4)));
        Assert.Empty(Evaluate("K", 4.2m, InterpretationCodes.Normal, collectedAt: null));
    }

    [Fact]
    public void Review_and_no_value_and_no_rule_hold()
    {
        Assert.Equal([HoldReason.NeedsReview, HoldReason.NoReferenceRange], Autoverifier.Evaluate(Catalog.Find("HGB")!, Result("HGB", 13.5m, null) with { Review = "no unit" }, null, null, QcState.Unknown));
        Assert.Equal([HoldReason.NotMeasured], Autoverifier.Evaluate(Catalog.Find("HGB")!, Result("HGB", null, null) with { Status = ResultStatus.Cancelled }, null, null, QcState.Unknown));
        Assert.Equal([HoldReason.NoRule], Autoverifier.Evaluate(Catalog.Find("HGB")! with { Autoverification = null }, Result("HGB", 135m, "N"), null, null, QcState.Unknown));
    }

    [Fact]
    public void Every_failed_check_is_reported_at_once()
    {
        var reasons = Evaluate("WBC", 35m, InterpretationCodes.CriticalHigh, flags: ["W"], previous: new PreviousResult(1, 6m, At.AddHours(-3)), collectedAt: At.AddDays(-2));
        Assert.Equal([HoldReason.Critical, HoldReason.AnalyzerFlag, HoldReason.DeltaExceeded, HoldReason.SpecimenTooOld], reasons);
    }

    [Theory]
    [InlineData("{ maxSpecimenAgeHours: 4 }", "qcUnknown")]
    [InlineData("{ qcUnknown: release }", "maxSpecimenAgeHours")]
    [InlineData("{ deltaPercent: 10, maxSpecimenAgeHours: 4, qcUnknown: release }", "deltaWindowHours")]
    [InlineData("{ releaseLow: 5, releaseHigh: 4, maxSpecimenAgeHours: 4, qcUnknown: release }", "releaseLow")]
    public void A_broken_rule_is_refused_naming_the_test_and_field(string block, string field)
    {
        var yaml = $"tests:\n  - {{ code: X, name: X, loinc: 1-1, section: chemistry, specimenType: serum, unit: mmol/L, autoverify: {block} }}\n";
        var e = Assert.Throws<CatalogException>(() => CatalogLoader.Parse(yaml, "test.yaml"));
        Assert.Contains("test 'X' autoverify", e.Message, StringComparison.Ordinal);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<HoldReason> Evaluate(
        string code, decimal? numeric, string? interpretation, string? value = null, IReadOnlyList<string>? flags = null,
        PreviousResult? previous = null, DateTimeOffset? collectedAt = null, QcState qc = QcState.Unknown) =>
        Autoverifier.Evaluate(Catalog.Find(code)!, Result(code, numeric, interpretation, value, flags), collectedAt, previous, qc);

    private static LabResult Result(string code, decimal? numeric, string? interpretation, string? value = null, IReadOnlyList<string>? flags = null) => new()
    {
        Id = 100,
        SpecimenId = "S",
        ReferralId = "R",
        PatientId = "P",
        PerformingLabId = "lab-1",
        CatalogCode = code,
        AnalyzerCode = code,
        Value = value ?? numeric?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
        Numeric = numeric,
        Interpretation = interpretation,
        AnalyzerFlags = flags ?? [],
        Status = ResultStatus.Final,
        EffectiveAt = At,
        IssuedAt = At,
        GatewayId = "gw",
        InstrumentId = "i",
        MessageId = "m",
        IsCurrent = true,
    };
}
