namespace EdgeLab.Instruments.Dialect;

/// <summary>
/// A place in a LIS02-A2 record: record type, field (LIS02-A2 numbering, the type letter is field 1), component
/// (1-based; 0 = the whole field) and repeat (0-based). E.g. Sysmex XN puts its sample number at O.4 component 3.
/// </summary>
public sealed record FieldLocation
{
    /// <summary>Record type letter: <c>O</c> or <c>P</c>.</summary>
    public char Record { get; init; } = 'O';
    public int Field { get; init; } = 3;
    /// <summary>1-based component; 0 reads the whole field.</summary>
    public int Component { get; init; }
    public int Repeat { get; init; }
    /// <summary>Drop leading/trailing spaces (instruments that pad ids to a fixed width, e.g. Roche 22 characters).</summary>
    public bool Trim { get; init; } = true;

    public override string ToString() => Component == 0 ? $"{Record}.{Field}" : $"{Record}.{Field}.{Component}";
}

/// <summary>Where the test code sits in R.3 (LIS02-A2 §10.1.3), e.g. <c>^^^WBC</c> → component 4.</summary>
public sealed record TestCodeLayout
{
    /// <summary>Components whose non-empty values, joined with <see cref="Separator"/>, make the code. Default: [4].</summary>
    public IReadOnlyList<int> Components { get; init; } = [4];
    public string Separator { get; init; } = "/";
    /// <summary>Component holding a human-readable test name, if any (becomes the result's name).</summary>
    public int? NameComponent { get; init; }
    /// <summary>Component holding a LOINC code, if any (Horiba sends one after the code).</summary>
    public int? LoincComponent { get; init; }
}

/// <summary>How the result fields of an R record are read.</summary>
public sealed record ResultLayout
{
    /// <summary>
    /// <c>whole</c>: R.4 as sent; <c>firstNonEmptyComponent</c>: the first non-empty component of R.4 (GeneXpert
    /// sends <c>qualitative^quantitative</c>, e.g. <c>NOT DETECTED^</c> or <c>^24.7</c>).
    /// </summary>
    public string Value { get; init; } = "whole";
    /// <summary>Component of each flag repeat to keep (VITROS <c>^0^FRMN</c> → 3); null keeps the whole repeat.</summary>
    public int? FlagComponent { get; init; }
    /// <summary>Component of R.6 holding the range (Yumizen <c>0.15 - 0.40^REFERENCE_RANGE</c> → 1); null keeps the field.</summary>
    public int? ReferenceRangeComponent { get; init; }
    /// <summary>Fields tried in order for the completion time: R.13 (§10.1.13), then e.g. R.12 for Yumizen.</summary>
    public IReadOnlyList<int> TimeFields { get; init; } = [13];
}

/// <summary>
/// How one kind of non-patient specimen (QC or calibration) is recognised. Any rule that matches decides.
/// </summary>
public sealed record SpecimenKindRule
{
    /// <summary>Specimen id prefixes, e.g. <c>QC</c>, <c>CTRL</c> (case-insensitive).</summary>
    public IReadOnlyList<string> SpecimenIdPrefixes { get; init; } = [];
    /// <summary>O.12 action codes (LIS02-A2 §9.4.12), e.g. <c>Q</c> = QC specimen.</summary>
    public IReadOnlyList<string> ActionCodes { get; init; } = [];
    /// <summary>H.12 processing ids (LIS02-A2 §7.1.12), e.g. <c>Q</c> = quality control message.</summary>
    public IReadOnlyList<string> ProcessingIds { get; init; } = [];
    /// <summary>O.16 specimen descriptor values (first component), e.g. <c>QC</c>, <c>CAL</c>.</summary>
    public IReadOnlyList<string> SpecimenDescriptors { get; init; } = [];
    /// <summary>An order without a P record before it is of this kind (some analyzers send QC that way).</summary>
    public bool WhenPatientRecordAbsent { get; init; }

    public bool IsEmpty => SpecimenIdPrefixes.Count == 0 && ActionCodes.Count == 0 && ProcessingIds.Count == 0
        && SpecimenDescriptors.Count == 0 && !WhenPatientRecordAbsent;
}
