using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Semd;

/// <summary>
/// Codes and systems of the СЭМД «Протокол лабораторного исследования» as the fhir-ru Ru-SEMD guide shapes it
/// (profiles PLI_SEMD_Composition, SEMD_Composition, PLI_SEMD_Specimen, PLI_SEMD_Device, SEMD_Bundle; example
/// bundle-pli-oak). The NSI directories are named by their OIDs.
/// </summary>
internal static class SemdCodes
{
    /// <summary>NSI «Виды медицинской документации» (1.2.643.5.1.13.13.11.1522), code 7: the document type.</summary>
    public const string DocumentKindSystem = "urn:oid:1.2.643.5.1.13.13.11.1522";
    public const string DocumentKindCode = "7";
    public const string DocumentTitle = "Протокол лабораторного исследования";

    /// <summary>LOINC 11502-2 "Laboratory report" (the issue and the guide's example code the document with it too).</summary>
    public const string LaboratoryReportLoinc = "11502-2";

    /// <summary>SEMD_Composition meta.tag slice semdGuideId: the implementation guide of this СЭМД (its CDA template OID).</summary>
    public const string GuideTagSystem = "https://fhir.ru/ig/semd/systems/semd-guide";
    public const string GuideTagCode = "urn:oid:1.2.643.5.1.13.13.14.7.9.5";

    /// <summary>Section codes of PLI_SEMD_Composition (code system semd-cs-nsi-section-codes).</summary>
    public const string SectionSystem = "https://fhir.ru/ig/semd/CodeSystem/semd-cs-nsi-section-codes";
    public const string Specimens = "SPECIMENS";
    public const string Analysers = "ANALYSERS";
    public const string VitalParameters = "VITALPARAM";
    public const string Results = "RESLAB";

    /// <summary>The sections PLI_SEMD_Composition makes 1..1 (SERVICES and LINCDOCS are 0..1 and not produced).</summary>
    public static IReadOnlyList<string> RequiredSections { get; } = [Specimens, Analysers, VitalParameters, Results];

    public static string SectionTitle(string code) => code switch
    {
        Specimens => "Информация об исследованных материалах",
        Analysers => "Информация об оборудовании и расходных материалах",
        VitalParameters => "Витальные параметры",
        Results => "Результаты лабораторных исследований",
        _ => code,
    };

    /// <summary>PLI_SEMD_Specimen identifier slice specimenId: this system, type v2-0203 ACSN.</summary>
    public const string SpecimenIdentifierSystem = "https://fhir.ru/ig/semd/systems/specimen";

    /// <summary>SEMD_Composition identifier slice misDocumentId: type v2-0203 MR.</summary>
    public const string DocumentIdentifierSystem = "urn:edgelab:semd-document";

    /// <summary>EdgeLab's analyzer ids (<c>{gatewayId}/{instrumentId}</c>); the guide's analyserId slice wants a serial number the hub does not know.</summary>
    public const string InstrumentSystem = "urn:edgelab:instrument";

    public const string ListEmptyReasonSystem = "http://terminology.hl7.org/CodeSystem/list-empty-reason";
    public const string IdentifierTypeSystem = "http://terminology.hl7.org/CodeSystem/v2-0203";
    public const string OrganizationTypeSystem = "http://terminology.hl7.org/CodeSystem/organization-type";
    public const string NsiUnitSystem = "urn:oid:" + Catalog.NsiUnits.Oid;

    public static CodeableConcept IdentifierType(string code, string display) => CodeableConcept.Of(IdentifierTypeSystem, code, display);

    public static CodeableConcept Section(string code) => new()
    {
        Coding = [new Coding { System = SectionSystem, Code = code }],
        Text = SectionTitle(code),
    };
}
