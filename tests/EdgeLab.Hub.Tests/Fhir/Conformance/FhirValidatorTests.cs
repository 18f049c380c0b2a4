using System.Text.Json.Nodes;

namespace EdgeLab.Hub.Tests.Fhir.Conformance;

/// <summary>
/// <see cref="FhirValidator"/> itself: a validator that passes everything would make <see cref="FhirConformanceTests"/>
/// worthless, so each kind of defect it exists for is shown to be caught, at its path.
/// </summary>
public sealed class FhirValidatorTests
{
    [Fact]
    public async Task Each_defect_is_reported_with_its_path()
    {
        var bad = JsonNode.Parse("""
            {"resourceType": "Observation", "id": "a_b", "meta": {"project": "medplum-only"},
             "code": {"coding": [{"system": "http://loinc.org", "code": ""}]},
             "effectiveDateTime": "2026-11-21T08:30:00", "issued": "2026-11-21",
             "valueQuantity": {"value": 1, "code": "g/L"},
             "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "lab"}]}],
             "interpretation": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "LL", "display": "Critically low"}]}],
             "component": [{"code": {"text": "c"}, "valueQuantity": {"value": 2, "system": "http://unitsofmeasure.org", "code": "10E3/uL"}}],
             "referenceRange": [{"low": {"value": 1, "comparator": "<", "system": "http://unitsofmeasure.org", "code": "g/L"}}, {}],
             "subject": {"reference": "#missing"}}
            """)!;
        var bundle = JsonNode.Parse("""
            {"resourceType": "Bundle", "type": "searchset", "total": 1,
             "entry": [{"fullUrl": "http://localhost/fhir/Patient/1", "request": {"method": "GET", "url": "Patient/1"},
                        "resource": {"resourceType": "Patient", "id": "1", "gender": "woman", "colour": "red"}}]}
            """)!;

        var issues = await FhirValidator.ValidateAsync([("bad observation", bad), ("bad bundle", bundle)]);

        void Reported(string label, string path, string words, string? check = null) => Assert.True(
            issues.Any(i => i.IsError && i.Label == label && i.Path == path && i.Message.Contains(words, StringComparison.Ordinal) && (check is null || i.Check == check)),
            $"expected an error '{words}' at {label} {path}; got:\n" + string.Join("\n", issues));
        Reported("bad observation", "Observation.status", "Missing required property");
        // Medplum's own additions to R4 (Meta.project…) are taken out of the StructureDefinitions the check uses.
        Reported("bad observation", "Observation.meta.project", "additional property", "structure");
        Reported("bad observation", "Observation.id", "pattern");
        Reported("bad observation", "Observation.code.coding[0].code", "pattern");
        Reported("bad observation", "Observation.effectiveDateTime", "pattern");
        Reported("bad observation", "Observation.issued", "instant");
        Reported("bad observation", "Observation.valueQuantity", "qty-3");
        Reported("bad observation", "Observation.referenceRange[0].low", "sqty-1");
        Reported("bad observation", "Observation.referenceRange[1]", "obs-3");
        Reported("bad observation", "Observation.subject", "ref-1");
        Reported("bad observation", "Observation.category[0].coding[0].code", "unknown code 'lab'");
        Reported("bad observation", "Observation.component[0].valueQuantity.code", "not a valid UCUM code");
        Assert.Contains(issues, i => i.Severity == "warning" && i.Path == "Observation.interpretation[0].coding[0].display" && i.Message.Contains("[\"Critical low\"]", StringComparison.Ordinal));
        Reported("bad bundle", "Bundle", "bdl-3");
        Reported("bad bundle", "Bundle.entry[0].resource.gender", "allowed values");
        Reported("bad bundle", "Bundle.entry[0].resource.colour", "additional");
    }
}
