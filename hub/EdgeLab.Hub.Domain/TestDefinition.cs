namespace EdgeLab.Hub.Domain;

/// <summary>
/// One test of the regional catalog (Catalog/regional-catalog.yaml): its codes in the standard systems, its UCUM unit,
/// how each analyzer model names it, reference ranges and critical limits.
/// </summary>
public sealed record TestDefinition
{
    /// <summary>Regional catalog code, e.g. <c>HGB</c>, <c>GLU</c>, <c>SARS2-RNA</c>.</summary>
    public required string Code { get; init; }
    public required string Name { get; init; }
    /// <summary>Russian display name (for the patient cabinet, labels).</summary>
    public string? NameRu { get; init; }
    public required string Loinc { get; init; }
    /// <summary>ФСЛИ code (OID 1.2.643.5.1.13.13.11.1080).</summary>
    public string? Fsli { get; init; }
    /// <summary>True when the ФСЛИ code is plausible but not confirmed against the official directory.</summary>
    public bool FsliToVerify { get; init; }
    /// <summary>The directory's own name for <see cref="Fsli"/>; required once the code is verified (Catalog/FSLI-SOURCES.md).</summary>
    public string? FsliName { get; init; }
    /// <summary>
    /// The ФСЛИ code only when verified: a placeholder may be another test's real code, so it is never sent in a
    /// coding nor matched against a code someone else sent.
    /// </summary>
    public string? VerifiedFsli => FsliToVerify ? null : Fsli;
    /// <summary><c>hematology</c>, <c>chemistry</c>, <c>coagulation</c>, <c>molecular</c>.</summary>
    public required string Section { get; init; }
    public required string SpecimenType { get; init; }
    /// <summary><c>quantity</c> or <c>coded</c> (text results such as DETECTED / NOT DETECTED).</summary>
    public required string ValueType { get; init; }
    /// <summary>UCUM unit of the stored value (null for coded results).</summary>
    public string? Unit { get; init; }
    public int Decimals { get; init; } = 2;
    public IReadOnlyList<ReferenceRangeRule> ReferenceRanges { get; init; } = [];
    public decimal? CriticalLow { get; init; }
    public decimal? CriticalHigh { get; init; }
    /// <summary>For coded results: the normal value (e.g. <c>NOT DETECTED</c>); anything else is interpreted as A.</summary>
    public string? NormalText { get; init; }
    /// <summary>What the test measures, in plain words for the patient's cabinet (issue 14); English and Russian.</summary>
    public string? PatientNote { get; init; }
    public string? PatientNoteRu { get; init; }
    /// <summary>
    /// Sensitive (HIV, some PCR, genetics; issue 14, as Epic MyChart's release delays): the patient's cabinet shows its
    /// results only after a clinician releases them to the patient, even once the lab has released them.
    /// </summary>
    public bool Sensitive { get; init; }
    public IReadOnlyList<InstrumentTestCode> InstrumentCodes { get; init; } = [];
    /// <summary>When a result may be released without a lab doctor; null = every result is held (<see cref="HoldReason.NoRule"/>).</summary>
    public AutoverificationRule? Autoverification { get; init; }
}

/// <summary>A reference range valid for a sex (null = both) and an age band in years [from, to).</summary>
public sealed record ReferenceRangeRule
{
    public Sex? Sex { get; init; }
    public int AgeFromYears { get; init; }
    public int AgeToYears { get; init; } = 200;
    public decimal? Low { get; init; }
    public decimal? High { get; init; }
    public string? Text { get; init; }

    public bool Applies(Sex sex, int ageYears) =>
        (Sex is null || Sex == sex) && ageYears >= AgeFromYears && ageYears < AgeToYears;
}

/// <summary>How one analyzer model (dialect profile) names a catalog test, and how to convert its unit.</summary>
public sealed record InstrumentTestCode
{
    /// <summary>Dialect profile name, e.g. <c>sysmex-xn</c>.</summary>
    public required string Profile { get; init; }
    /// <summary>The analyzer's own test code.</summary>
    public required string Code { get; init; }
    /// <summary>The analyzer's unit as it sends it (null when it sends none).</summary>
    public string? Unit { get; init; }
    /// <summary>catalog value = analyzer value × factor.</summary>
    public decimal Factor { get; init; } = 1m;
}
