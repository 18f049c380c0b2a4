using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// <c>GET /fhir/metadata</c> (R4 §3.1.0.13 capabilities): what this server does — read and search on the clinical, archive and transfer resource
/// types with the search parameters it supports, the transaction interaction, JSON only, bearer-token security.
/// </summary>
internal static class CapabilityStatementFactory
{
    public static CapabilityStatement Create(string baseUrl, DateTimeOffset built)
    {
        static CapabilitySearchParam P(string name, string type, string doc) => new() { Name = name, Type = type, Documentation = doc };
        static IReadOnlyList<CapabilityInteraction> ReadSearch() => [new() { Code = "read" }, new() { Code = "search-type" }];
        CapabilitySearchParam count = P("_count", "number", $"Page size, 1–{Search.SearchRequest.MaxCount} (default {Search.SearchRequest.DefaultCount}); follow Bundle.link[next] for more.");
        return new CapabilityStatement
        {
            Id = "edgelab-hub",
            Name = "EdgeLabHub",
            Title = "EdgeLab regional laboratory hub — FHIR R4 API",
            Status = "active",
            Date = FhirDates.Instant(built),
            Publisher = "EdgeLab",
            Kind = "instance",
            Software = new CapabilitySoftware { Name = "EdgeLab hub", Version = typeof(CapabilityStatementFactory).Assembly.GetName().Version?.ToString() },
            Implementation = new CapabilityImplementation { Description = "Laboratory orders and results of the region", Url = baseUrl },
            FhirVersion = "4.0.1",
            Format = [FhirJson.MediaType, "json"],
            Rest =
            [
                new CapabilityRest
                {
                    Mode = "server",
                    Security = new CapabilitySecurity
                    {
                        Cors = false,
                        Service = [CodeableConcept.Of(FhirSystems.RestfulSecurityService, "OAuth", "OAuth")],
                        Description = "Every call needs 'Authorization: Bearer <token>' issued per client system with 'edgelab-hub clients add'. " +
                            "A client sees only its own organization's patients; reads are audited.",
                    },
                    Interaction = [new CapabilityInteraction { Code = "transaction" }],
                    Resource =
                    [
                        new CapabilityResource
                        {
                            Type = "Patient", Interaction = ReadSearch(),
                            SearchParam = [P("identifier", "token", "SNILS (urn:oid:1.2.643.2.69.1.1.1.6.223) or OMS policy"), P("family", "string", "Prefix"), P("given", "string", "Prefix"), P("birthdate", "date", "YYYY-MM-DD"), P("_id", "token", "Logical id"), count],
                        },
                        new CapabilityResource
                        {
                            Type = "ServiceRequest", Interaction = ReadSearch(),
                            SearchParam = [P("patient", "reference", "Patient/id"), P("status", "token", "active | completed | revoked"), P("requisition", "token", "Referral id"), count],
                        },
                        new CapabilityResource
                        {
                            Type = "Specimen", Interaction = ReadSearch(),
                            SearchParam = [P("identifier", "token", "The barcode"), P("patient", "reference", "Patient/id"), count],
                        },
                        new CapabilityResource
                        {
                            Type = "Observation", Interaction = ReadSearch(),
                            SearchParam =
                            [
                                P("patient", "reference", "Patient/id"), P("code", "token", "LOINC, ФСЛИ or regional catalog code"),
                                P("category", "token", "laboratory"), P("date", "date", "Effective time; eq, ge, gt, le, lt"),
                                P("_lastUpdated", "date", "When the hub stored it"), P("specimen", "reference", "Specimen/barcode"), count,
                            ],
                        },
                        new CapabilityResource
                        {
                            Type = "DiagnosticReport", Interaction = ReadSearch(),
                            SearchParam = [P("patient", "reference", "Patient/id"), P("status", "token", "registered | partial | final | amended | cancelled"), P("based-on", "reference", "ServiceRequest/id"), count],
                        },
                        new CapabilityResource
                        {
                            Type = "Location", Interaction = ReadSearch(),
                            SearchParam = [P("name", "string", "Exact name"), P("partof", "reference", "Location/id (the level above)"), P("identifier", "token", "Box path (urn:edgelab:archive-location)"), count],
                        },
                        new CapabilityResource
                        {
                            Type = "DocumentReference", Interaction = ReadSearch(),
                            SearchParam = [P("patient", "reference", "Patient/id"), P("category", "token", "urn:edgelab:archive-document-category code"), P("identifier", "token", "Paper card number"), count],
                        },
                        new CapabilityResource
                        {
                            Type = "Task", Interaction = ReadSearch(),
                            SearchParam =
                            [
                                P("owner", "reference", "The performing lab: Organization/id or its id"), P("requester", "reference", "The sending lab: Organization/id or its id"),
                                P("status", "token", "requested | accepted | in-progress | completed | rejected | failed | cancelled"),
                                P("focus", "reference", "ServiceRequest/id (one test of a referral)"), P("patient", "reference", "Patient/id"),
                                P("_lastUpdated", "date", "When the Task last changed"), count,
                            ],
                        },
                        new CapabilityResource
                        {
                            Type = "SupplyDelivery", Interaction = ReadSearch(),
                            SearchParam =
                            [
                                P("status", "token", "in-progress (open or in transit) | completed (received)"), P("supplier", "reference", "The sending lab: Organization/id or its id"),
                                P("receiver", "reference", "The receiving lab's organization id (carried as destination: R4 receiver allows practitioners only)"), count,
                            ],
                        },
                    ],
                },
            ],
        };
    }
}
