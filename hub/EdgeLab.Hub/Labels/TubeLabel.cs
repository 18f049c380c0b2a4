namespace EdgeLab.Hub.Labels;

/// <summary>
/// What goes on one tube label: the barcode (the specimen id the hub issued), the patient's name and birth date so
/// the nurse can check the tube against the patient, the tests and the tube type. Sized for a 50 × 25 mm label.
/// </summary>
internal sealed record TubeLabel
{
    public required string Barcode { get; init; }
    /// <summary>e.g. <c>ИВАНОВА Мария Петровна</c>.</summary>
    public required string PatientName { get; init; }
    public required DateOnly BirthDate { get; init; }
    /// <summary><c>М</c>, <c>Ж</c> or empty.</summary>
    public string Sex { get; init; } = "";
    public required string SpecimenType { get; init; }
    public required IReadOnlyList<string> Tests { get; init; }
    public string? OrderingOrganization { get; init; }
    public DateOnly? Date { get; init; }
    public bool Stat { get; init; }

    public string BirthDateText => BirthDate.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Tests joined, cut to fit one line (the full list is in the referral).</summary>
    public string TestsLine(int maxChars)
    {
        var line = string.Join(" ", Tests);
        return line.Length <= maxChars ? line : line[..Math.Max(0, maxChars - 1)] + "…";
    }

    public static TubeLabel From(Domain.Specimen specimen, Domain.Patient patient, Domain.Referral referral, Catalog.ITestCatalog catalog) => new()
    {
        Barcode = specimen.Id,
        PatientName = $"{patient.FamilyName.ToUpperInvariant()} {patient.GivenName} {patient.MiddleName}".Trim(),
        BirthDate = patient.BirthDate,
        Sex = patient.Sex switch { Domain.Sex.Male => "М", Domain.Sex.Female => "Ж", _ => "" },
        SpecimenType = specimen.Type,
        Tests = specimen.TestCodes.Select(c => catalog.Find(c)?.Code ?? c).ToList(),
        OrderingOrganization = referral.OrderingOrganizationId,
        Date = DateOnly.FromDateTime((specimen.CollectedAt ?? specimen.Created).UtcDateTime),
        Stat = referral.Priority == "stat",
    };
}
