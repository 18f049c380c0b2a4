using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Mapping;

/// <summary>Domain <see cref="Domain.Specimen"/> → FHIR R4 Specimen (§12.13); the barcode is identifier and accessionIdentifier.</summary>
internal static class SpecimenMapper
{
    public static Resources.Specimen ToFhir(Domain.Specimen specimen)
    {
        var barcode = new Identifier { System = FhirSystems.SpecimenBarcode, Value = specimen.Id };
        return new Resources.Specimen
        {
            Id = specimen.Id,
            Meta = new Meta { LastUpdated = FhirDates.Instant(specimen.LastUpdated == default ? specimen.Created : specimen.LastUpdated) },
            Identifier = [barcode],
            AccessionIdentifier = barcode,
            Status = Status(specimen.Status),
            Type = new CodeableConcept
            {
                Coding = [new Coding { System = "urn:edgelab:specimen-type", Code = specimen.Type }],
                Text = specimen.Type,
            },
            Subject = PatientMapper.Reference(specimen.PatientId),
            Request = specimen.TestCodes
                .Select(code => ResourceIds.ServiceRequest(specimen.ReferralId, code))
                .OfType<string>()
                .Select(id => Reference.To("ServiceRequest", id))
                .NullIfEmpty(),
            Parent = specimen.ParentId is { } parent ? [Reference.To("Specimen", parent)] : null,
            Collection = specimen.CollectedAt is { } at ? new SpecimenCollection { CollectedDateTime = FhirDates.Instant(at) } : null,
        };
    }

    /// <summary>SpecimenStatus (R4, required binding): a cancelled referral's tube is <c>unavailable</c>.</summary>
    public static string Status(SpecimenStatus status) => status switch
    {
        SpecimenStatus.Cancelled => "unavailable",
        // Refused at the receiving lab (Clinical Order Workflows IG, reference-lab flow: a rejected specimen).
        SpecimenStatus.Unsatisfactory => "unsatisfactory",
        _ => "available",
    };
}
