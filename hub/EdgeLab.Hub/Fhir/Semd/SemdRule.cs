using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Semd;

/// <summary>The structural rules of a СЭМД «Протокол лабораторного исследования» that <see cref="SemdStructureCheck"/> enforces.</summary>
internal enum SemdRule
{
    /// <summary>Bundle.type = document with identifier (system and value) and timestamp (SEMD_Bundle; R4 bdl-9, bdl-10).</summary>
    DocumentBundle,
    /// <summary>Every entry has a resource and a fullUrl, and no fullUrl repeats (R4 bdl-7).</summary>
    EntryUrls,
    /// <summary>The first entry is the Composition, and the only one (R4 bdl-11; a document has one Composition).</summary>
    CompositionFirst,
    /// <summary>Composition.type carries LOINC 11502-2 and NSI 1.2.643.5.1.13.13.11.1522 code 7; meta.tag has the guide id; language ru (SEMD_Composition, PLI_SEMD_Composition).</summary>
    DocumentType,
    /// <summary>Composition.identifier with system, value and type v2-0203 MR (SEMD_Composition misDocumentId).</summary>
    DocumentIdentifier,
    /// <summary>SPECIMENS, ANALYSERS, VITALPARAM and RESLAB each exactly once, each with text or entries (PLI_SEMD_Composition; R4 cmp-1).</summary>
    RequiredSections,
    /// <summary>subject is the Patient entry; author and custodian are Organization entries (the lab).</summary>
    SubjectAuthorCustodian,
    /// <summary>Every reference inside the document resolves to an entry's fullUrl (a document is self-contained).</summary>
    ReferencesResolve,
    /// <summary>Every Observation is referenced from the RESLAB section, which holds only the DiagnosticReport and Observations.</summary>
    ResultsInSection,
    /// <summary>Every Specimen is referenced from SPECIMENS and every Device from ANALYSERS.</summary>
    MaterialsInSections,
    /// <summary>ФСЛИ codings (urn:oid:1.2.643.5.1.13.13.11.1080) only with verified catalog codes, and every test with a verified code carries it.</summary>
    VerifiedFsli,
    /// <summary>Quantities in NSI «Единицы измерения» (urn:oid:1.2.643.5.1.13.13.11.1358) only with mapped codes.</summary>
    NsiUnits,
    /// <summary>Identifiers have a system and value: the Specimen the guide's specimenId (type ACSN), Device, Organization, Patient.</summary>
    Identifiers,
}

/// <summary>One broken rule: where (FHIRPath into the Bundle) and what.</summary>
internal sealed record SemdViolation(SemdRule Rule, string Expression, string Message)
{
    public OperationOutcomeIssue ToIssue() => new()
    {
        Severity = "error",
        Code = IssueType.Structure,
        Details = new CodeableConcept { Text = "semd-" + Rule },
        Diagnostics = Message,
        Expression = [Expression],
    };
}
