using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Referrals;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// Reads a transaction Bundle of Patient + ServiceRequest(s) into a <see cref="ReferralRequest"/>. Structural
/// problems answer 400 naming the entry (<c>Bundle.entry[2].resource.subject</c>); content problems found by the
/// referral service answer 422 with FHIRPath expressions (<see cref="FhirPath"/>).
/// </summary>
internal static class TransactionReader
{
    /// <param name="order">The request entries' kinds and ServiceRequest index, to answer in the same order.</param>
    public static ReferralRequest Read(Bundle bundle, ITestCatalog catalog, out List<(string Kind, string? TestCode)> order)
    {
        order = [];
        var entries = bundle.Entry ?? throw new FhirInputException(IssueType.Required, "The transaction has no entries.", "Bundle.entry");
        Patient? patient = null;
        string? patientFullUrl = null;
        var requests = new List<(ServiceRequest Resource, int Entry)>();
        for (var i = 0; i < entries.Count; i++)
        {
            var at = $"Bundle.entry[{i}]";
            // No null items: FhirJson refused them (FhirJsonNullItems).
            var entry = entries[i];
            if (entry.Request is not { Method: "POST" })
                throw new FhirInputException(IssueType.NotSupported, $"{at}.request.method must be POST (create).", $"{at}.request.method");
            switch (entry.Resource)
            {
                case Patient p when patient is null:
                    patient = p;
                    patientFullUrl = entry.FullUrl;
                    order.Add(("Patient", null));
                    break;
                case Patient:
                    throw new FhirInputException(IssueType.Invalid, "The transaction holds more than one Patient; send one referral per patient.", at);
                case ServiceRequest sr:
                    order.Add(("ServiceRequest", null));
                    requests.Add((sr, i));
                    break;
                case null:
                    throw new FhirInputException(IssueType.Required, $"{at}.resource is missing.", $"{at}.resource");
                default:
                    throw new FhirInputException(IssueType.NotSupported,
                        $"{at}: {entry.Resource.ResourceType} is not accepted; a referral transaction holds one Patient and ServiceRequests.", $"{at}.resource");
            }
        }
        if (patient is null) throw new FhirInputException(IssueType.Required, "The transaction has no Patient entry.", "Bundle.entry");
        if (requests.Count == 0) throw new FhirInputException(IssueType.Required, "The transaction has no ServiceRequest entry.", "Bundle.entry");

        string? lab = null, practitioner = null, practitionerId = null, requisition = null;
        var stat = false;
        var tests = new List<string>();
        foreach (var (sr, index) in requests)
        {
            var at = $"Bundle.entry[{index}].resource";
            var subject = sr.Subject?.ReferenceValue;
            if (subject is null || (subject != patientFullUrl && patientFullUrl is not null && !(patient.Id is { } pid && subject == $"Patient/{pid}")))
                throw new FhirInputException(IssueType.Invalid, $"{at}.subject must reference the Patient entry ('{patientFullUrl}').", $"{at}.subject");
            var test = TestCode(sr.Code, catalog) ?? throw FhirInputException.Unprocessable(
                $"{at}.code has no coding from {FhirSystems.CatalogCode}, {FhirSystems.Loinc} or {FhirSystems.Fsli} that the catalog knows.", $"{at}.code");
            tests.Add(test);
            var slot = order.FindIndex(o => o.Kind == "ServiceRequest" && o.TestCode is null);
            order[slot] = ("ServiceRequest", test);
            var performer = sr.Performer?.FirstOrDefault();
            var thisLab = performer?.Identifier?.Value
                ?? (performer?.ReferenceValue is { } r && r.StartsWith("Organization/", StringComparison.Ordinal) ? r["Organization/".Length..] : null)
                ?? throw FhirInputException.Unprocessable($"{at}.performer must name the performing lab (identifier {FhirSystems.Organization}|<lab id>).", $"{at}.performer");
            if (lab is not null && lab != thisLab)
                throw FhirInputException.Unprocessable("All ServiceRequests of one transaction must have the same performer (one referral per lab).", $"{at}.performer");
            lab = thisLab;
            practitioner ??= sr.Requester?.Display;
            practitionerId ??= sr.Requester?.Identifier?.Value;
            requisition ??= sr.Requisition?.Value;
            stat |= sr.Priority is "stat" or "asap" or "urgent";
        }
        if (string.IsNullOrWhiteSpace(practitioner))
            throw FhirInputException.Unprocessable("ServiceRequest.requester.display must give the ordering practitioner's name.", $"Bundle.entry[{requests[0].Entry}].resource.requester");

        return new ReferralRequest
        {
            Patient = ReadPatient(patient),
            PractitionerName = practitioner,
            PractitionerId = practitionerId,
            PerformingLabId = lab!,
            Tests = tests,
            Priority = stat ? "stat" : "routine",
            ExternalId = requisition,
        };
    }

    private static PatientInput ReadPatient(Patient patient)
    {
        var name = patient.Name?.FirstOrDefault(n => n.Use == "official") ?? patient.Name?.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(name?.Family) || name.Given is not { Count: > 0 })
            throw FhirInputException.Unprocessable("Patient.name needs family and at least one given name.", "Patient.name");
        if (!FhirDates.TryParseDate(patient.BirthDate, out var birthDate))
            throw FhirInputException.Unprocessable($"Patient.birthDate must be a full date YYYY-MM-DD, not '{patient.BirthDate}'.", "Patient.birthDate");
        return new PatientInput
        {
            Snils = patient.Identifier?.FirstOrDefault(i => i.System == FhirSystems.Snils)?.Value,
            OmsPolicy = patient.Identifier?.FirstOrDefault(i => i.System == FhirSystems.OmsPolicy)?.Value,
            FamilyName = name.Family,
            GivenName = name.Given[0],
            MiddleName = name.Given.Count > 1 ? string.Join(' ', name.Given.Skip(1)) : null,
            Sex = patient.Gender ?? throw FhirInputException.Unprocessable("Patient.gender is required (male | female | other | unknown).", "Patient.gender"),
            BirthDate = birthDate,
        };
    }

    /// <summary>Catalog code from ServiceRequest.code: the regional code, else LOINC, else ФСЛИ.</summary>
    private static string? TestCode(CodeableConcept? code, ITestCatalog catalog)
    {
        if (code?.Coding is not { } codings) return null;
        foreach (var c in codings)
        {
            if (c.Code is null) continue;
            var test = c.System switch
            {
                FhirSystems.CatalogCode => catalog.Find(c.Code),
                FhirSystems.Loinc => catalog.FindByLoinc(c.Code),
                FhirSystems.Fsli => catalog.FindByFsli(c.Code),
                _ => null,
            };
            if (test is not null) return test.Code;
        }
        return null;
    }

    /// <summary>Maps the referral service's field names onto FHIRPath in the transaction.</summary>
    public static string FhirPath(string field) => field switch
    {
        _ when field.StartsWith("patient.snils", StringComparison.OrdinalIgnoreCase) => "Patient.identifier",
        _ when field.StartsWith("patient.oms", StringComparison.OrdinalIgnoreCase) => "Patient.identifier",
        _ when field.StartsWith("patient.family", StringComparison.OrdinalIgnoreCase) => "Patient.name.family",
        _ when field.StartsWith("patient.given", StringComparison.OrdinalIgnoreCase) => "Patient.name.given",
        _ when field.StartsWith("patient.middle", StringComparison.OrdinalIgnoreCase) => "Patient.name.given",
        _ when field.StartsWith("patient.sex", StringComparison.OrdinalIgnoreCase) => "Patient.gender",
        _ when field.StartsWith("patient.birth", StringComparison.OrdinalIgnoreCase) => "Patient.birthDate",
        _ when field.StartsWith("patient", StringComparison.OrdinalIgnoreCase) => "Patient",
        _ when field.StartsWith("test", StringComparison.OrdinalIgnoreCase) => "ServiceRequest.code",
        _ when field.StartsWith("performing", StringComparison.OrdinalIgnoreCase) => "ServiceRequest.performer",
        _ when field.StartsWith("practitioner", StringComparison.OrdinalIgnoreCase) => "ServiceRequest.requester",
        _ when field.StartsWith("priority", StringComparison.OrdinalIgnoreCase) => "ServiceRequest.priority",
        _ when field.StartsWith("external", StringComparison.OrdinalIgnoreCase) => "ServiceRequest.requisition",
        _ => field,
    };
}
