using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Mapping;

/// <summary>Domain <see cref="Domain.Patient"/> → FHIR R4 Patient (§8.1).</summary>
internal static class PatientMapper
{
    public static Patient ToFhir(Domain.Patient patient) => new()
    {
        Id = patient.Id,
        Meta = new Meta { LastUpdated = FhirDates.Instant(Updated(patient)) },
        Identifier = Identifiers(patient).NullIfEmpty(),
        Active = true,
        Name =
        [
            new HumanName
            {
                Use = "official",
                Family = patient.FamilyName,
                Given = new[] { patient.GivenName, patient.MiddleName }.OfType<string>().Where(n => n.Length > 0).NullIfEmpty(),
            },
        ],
        Gender = Gender(patient.Sex),
        BirthDate = FhirDates.Date(patient.BirthDate),
    };

    /// <summary>AdministrativeGender (R4 valueset-administrative-gender, required binding).</summary>
    public static string Gender(Domain.Sex sex) => sex switch
    {
        Domain.Sex.Male => "male",
        Domain.Sex.Female => "female",
        _ => "unknown",
    };

    public static Reference Reference(string patientId) => Resources.Reference.To("Patient", patientId);

    private static IEnumerable<Identifier> Identifiers(Domain.Patient patient)
    {
        if (patient.Snils is { Length: > 0 } snils)
            yield return new Identifier
            {
                Use = "official",
                System = FhirSystems.Snils,
                Value = snils,
                Assigner = new Reference { Display = "ПФР" },
            };
        if (patient.OmsPolicy is { Length: > 0 } oms)
            yield return new Identifier { Use = "official", System = FhirSystems.OmsPolicy, Value = oms };
    }

    private static DateTimeOffset Updated(Domain.Patient p) => p.LastUpdated == default ? p.Created : p.LastUpdated;
}
