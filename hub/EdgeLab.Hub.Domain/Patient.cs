namespace EdgeLab.Hub.Domain;

/// <summary>Administrative sex as FHIR R4 <c>AdministrativeGender</c> knows it.</summary>
public enum Sex
{
    Unknown,
    Male,
    Female,
}

/// <summary>
/// A patient of the region. Identified across organizations by SNILS (11 digits, checksum validated) and/or the
/// OMS policy number (16 digits); <see cref="ManagingOrganizationId"/> is the organization that first registered them.
/// </summary>
public sealed record Patient
{
    /// <summary>Hub id (32 lower-case hex, time-ordered).</summary>
    public required string Id { get; init; }
    public required string ManagingOrganizationId { get; init; }
    /// <summary>11 digits, no separators.</summary>
    public string? Snils { get; init; }
    /// <summary>16 digits (единый номер полиса ОМС).</summary>
    public string? OmsPolicy { get; init; }
    public required string FamilyName { get; init; }
    public required string GivenName { get; init; }
    public string? MiddleName { get; init; }
    public required Sex Sex { get; init; }
    public required DateOnly BirthDate { get; init; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset LastUpdated { get; init; }

    /// <summary>Age in whole years at <paramref name="at"/> (for reference ranges by age).</summary>
    public int AgeInYearsAt(DateOnly at)
    {
        var age = at.Year - BirthDate.Year;
        if (at < BirthDate.AddYears(age)) age--;
        return Math.Max(0, age);
    }
}
