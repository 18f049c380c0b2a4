using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Mapping;

/// <summary>Test codes and shared codings: catalog test → CodeableConcept with LOINC, verified ФСЛИ and the regional code.</summary>
internal static class CodeMapper
{
    public static CodeableConcept TestCode(ITestCatalog catalog, string catalogCode)
    {
        var test = catalog.Find(catalogCode);
        return test is null
            ? new CodeableConcept { Coding = [new Coding { System = FhirSystems.CatalogCode, Code = catalogCode }], Text = catalogCode }
            : TestCode(test);
    }

    public static CodeableConcept TestCode(TestDefinition test)
    {
        var codings = new List<Coding> { new() { System = FhirSystems.Loinc, Code = test.Loinc, Display = test.Name } };
        // The display is the directory's own name (FHIR R4 Coding.display: "as defined by the system").
        if (test.VerifiedFsli is { Length: > 0 } fsli)
            codings.Add(new Coding { System = FhirSystems.Fsli, Code = fsli, Display = test.FsliName });
        codings.Add(new Coding { System = FhirSystems.CatalogCode, Code = test.Code, Display = test.Name });
        return new CodeableConcept { Coding = codings, Text = test.NameRu ?? test.Name };
    }

    /// <summary>Observation.category <c>laboratory</c> (R4 observation-category, preferred binding).</summary>
    public static CodeableConcept LaboratoryCategory { get; } =
        CodeableConcept.Of(FhirSystems.ObservationCategory, FhirSystems.LaboratoryCategory, "Laboratory");

    /// <summary>DiagnosticReport.category <c>LAB</c> (HL7 v2 table 0074).</summary>
    public static CodeableConcept LabSection { get; } =
        CodeableConcept.Of(FhirSystems.DiagnosticServiceSection, "LAB", "Laboratory");

    /// <summary>v3-ObservationInterpretation codes the hub computes, with their displays.</summary>
    public static CodeableConcept? Interpretation(string? code) => code switch
    {
        InterpretationCodes.Normal => CodeableConcept.Of(FhirSystems.ObservationInterpretation, "N", "Normal"),
        InterpretationCodes.Low => CodeableConcept.Of(FhirSystems.ObservationInterpretation, "L", "Low"),
        InterpretationCodes.High => CodeableConcept.Of(FhirSystems.ObservationInterpretation, "H", "High"),
        InterpretationCodes.CriticalLow => CodeableConcept.Of(FhirSystems.ObservationInterpretation, "LL", "Critical low"),
        InterpretationCodes.CriticalHigh => CodeableConcept.Of(FhirSystems.ObservationInterpretation, "HH", "Critical high"),
        InterpretationCodes.Abnormal => CodeableConcept.Of(FhirSystems.ObservationInterpretation, "A", "Abnormal"),
        null or "" => null,
        _ => new CodeableConcept { Text = code },
    };

    /// <summary>A logical reference to an organization (EdgeLab does not serve Organization resources).</summary>
    public static Reference Organization(string organizationId) => new()
    {
        Type = "Organization",
        Identifier = new Identifier { System = FhirSystems.Organization, Value = organizationId },
        Display = organizationId,
    };

    public static Quantity? Quantity(decimal? value, string? unit, string? comparator = null) =>
        value is null ? null : new Quantity
        {
            Value = value,
            Comparator = comparator is "<" or "<=" or ">=" or ">" ? comparator : null,
            Unit = unit,
            System = string.IsNullOrEmpty(unit) ? null : FhirSystems.Ucum,
            Code = string.IsNullOrEmpty(unit) ? null : unit,
        };
}
