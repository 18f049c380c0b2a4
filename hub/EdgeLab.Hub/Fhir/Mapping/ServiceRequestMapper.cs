using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Mapping;

/// <summary>
/// Domain <see cref="Referral"/> → FHIR R4 ServiceRequests (§12.8), one per ordered test, grouped by
/// <c>requisition</c> = the referral id (R4 ServiceRequest.requisition: "composite request … shared by all").
/// </summary>
internal static class ServiceRequestMapper
{
    public static IEnumerable<ServiceRequest> ToFhir(Referral referral, IReadOnlyList<Domain.Specimen> specimens, ITestCatalog catalog) =>
        referral.TestCodes.Select(code => ToFhir(referral, code, specimens, catalog)).OfType<ServiceRequest>();

    public static ServiceRequest? ToFhir(Referral referral, string catalogCode, IReadOnlyList<Domain.Specimen> specimens, ITestCatalog catalog)
    {
        if (ResourceIds.ServiceRequest(referral.Id, catalogCode) is not { } id) return null;
        var tubes = specimens.Where(s => s.TestCodes.Contains(catalogCode, StringComparer.OrdinalIgnoreCase))
            .Select(s => Reference.To("Specimen", s.Id));
        return new ServiceRequest
        {
            Id = id,
            Meta = new Meta { LastUpdated = FhirDates.Instant(referral.LastUpdated == default ? referral.Created : referral.LastUpdated) },
            Identifier = referral.ExternalId is { Length: > 0 } external
                ? [new Identifier { Use = "usual", Value = external, Assigner = CodeMapper.Organization(referral.OrderingOrganizationId) }]
                : null,
            Requisition = new Identifier { System = FhirSystems.ReferralId, Value = referral.Id },
            Status = Status(referral.Status),
            Intent = "order",
            Category = [CodeableConcept.Of("http://snomed.info/sct", "108252007", "Laboratory procedure")],
            Priority = referral.Priority == "stat" ? "stat" : "routine",
            Code = CodeMapper.TestCode(catalog, catalogCode),
            Subject = PatientMapper.Reference(referral.PatientId),
            AuthoredOn = FhirDates.Instant(referral.Created),
            Requester = new Reference
            {
                Type = "Practitioner",
                Identifier = referral.PractitionerId is { Length: > 0 } pid ? new Identifier { System = FhirSystems.Practitioner, Value = pid } : null,
                Display = $"{referral.PractitionerName} ({referral.OrderingOrganizationId})",
            },
            Performer = [CodeMapper.Organization(referral.PerformingLabId)],
            Specimen = tubes.NullIfEmpty(),
        };
    }

    /// <summary>RequestStatus (R4, required binding).</summary>
    public static string Status(ReferralStatus status) => status switch
    {
        ReferralStatus.Active => "active",
        ReferralStatus.Completed => "completed",
        ReferralStatus.Cancelled => "revoked",
        _ => "unknown",
    };
}
