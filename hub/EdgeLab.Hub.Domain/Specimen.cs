namespace EdgeLab.Hub.Domain;

public enum SpecimenStatus
{
    /// <summary>Barcode issued, tube not yet seen by a lab.</summary>
    Issued,
    /// <summary>At least one result arrived for it.</summary>
    Received,
    Cancelled,
    /// <summary>Refused by the lab it was sent to (FHIR Specimen.status unsatisfactory; issue 15 §1).</summary>
    Unsatisfactory,
}

/// <summary>
/// One tube. <see cref="Id"/> is the barcode the hub issued (numeric, Damm check digit,
/// see <c>Referrals/SpecimenBarcode.cs</c>); one referral gets one specimen per container type its tests need.
/// </summary>
public sealed record Specimen
{
    public required string Id { get; init; }
    public required string ReferralId { get; init; }
    public required string PatientId { get; init; }
    /// <summary>Catalog specimen type, e.g. <c>blood-edta</c>, <c>serum</c>, <c>plasma-citrate</c>, <c>swab-np</c>.</summary>
    public required string Type { get; init; }
    /// <summary>The catalog codes measured from this tube.</summary>
    public required IReadOnlyList<string> TestCodes { get; init; }
    public required SpecimenStatus Status { get; init; }
    public DateTimeOffset? CollectedAt { get; init; }
    /// <summary>The tube an aliquot was poured from (FHIR Specimen.parent); null for a primary tube.</summary>
    public string? ParentId { get; init; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset LastUpdated { get; init; }
}
