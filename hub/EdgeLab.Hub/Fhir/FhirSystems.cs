namespace EdgeLab.Hub.Fhir;

/// <summary>Code systems and identifier namespaces EdgeLab writes into resources.</summary>
internal static class FhirSystems
{
    /// <summary>СНИЛС, assigned by the Pension Fund (ПФР); OID from the federal NSI identity-document registry.</summary>
    public const string Snils = "urn:oid:1.2.643.2.69.1.1.1.6.223";
    /// <summary>Полис ОМС единого образца (single-format compulsory medical insurance policy).</summary>
    public const string OmsPolicy = "urn:oid:1.2.643.2.69.1.1.1.6.228";
    /// <summary>ФСЛИ — Federal reference list of laboratory tests (НСИ Минздрава 1.2.643.5.1.13.13.11.1080).</summary>
    public const string Fsli = "urn:oid:1.2.643.5.1.13.13.11.1080";
    public const string Loinc = "http://loinc.org";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string ObservationInterpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    /// <summary>HL7 v2 table 0074 Diagnostic Service Section ID (DiagnosticReport.category, code <c>LAB</c>).</summary>
    public const string DiagnosticServiceSection = "http://terminology.hl7.org/CodeSystem/v2-0074";
    public const string DataAbsentReason = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
    public const string RestfulSecurityService = "http://terminology.hl7.org/CodeSystem/restful-security-service";

    /// <summary>EdgeLab's own namespaces (the hub is the assigner).</summary>
    public const string SpecimenBarcode = "urn:edgelab:specimen-barcode";
    public const string ReferralId = "urn:edgelab:referral";
    public const string CatalogCode = "urn:edgelab:catalog";
    public const string Organization = "urn:edgelab:organization";
    public const string Practitioner = "urn:edgelab:practitioner";
    public const string ResultId = "urn:edgelab:result";

    public const string LaboratoryCategory = "laboratory";

    /// <summary>The paper card archive (issue 15 §2): location paths, card numbers, document categories, content hashes.</summary>
    public const string ArchiveLocationPath = "urn:edgelab:archive-location";
    public const string ArchiveCardNumber = "urn:edgelab:archive-card";
    public const string ArchiveDocumentCategory = "urn:edgelab:archive-document-category";
    public const string DocumentSha256 = "urn:edgelab:document-sha256";
    public const string LocationPhysicalType = "http://terminology.hl7.org/CodeSystem/location-physical-type";
    /// <summary>R5's Attachment.pages, carried into R4 by the cross-version extension (FHIR R5 "Extensions for Using Data Elements from FHIR R5 in FHIR R4").</summary>
    public const string AttachmentPagesExtension = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Attachment.pages";

    /// <summary>Specimen transfer (issue 15 §1): Task ids, box barcodes, the send-out's business status, Task input/output types.</summary>
    public const string TransferTaskId = "urn:edgelab:transfer-task";
    public const string ShipmentBoxBarcode = "urn:edgelab:shipment-box";
    public const string TransferBusinessStatus = "urn:edgelab:transfer-business-status";
    public const string TransferParameterType = "urn:edgelab:transfer-parameter";
    public const string ShipmentTemperature = "urn:edgelab:shipment-temperature";
    /// <summary>R4 task-code (example binding): <c>fulfill</c> = "Fulfill the focal request".</summary>
    public const string TaskCode = "http://hl7.org/fhir/CodeSystem/task-code";
    /// <summary>R4 supply-item-type: <c>device</c> (a box of tubes is a device, not medication).</summary>
    public const string SupplyItemType = "http://terminology.hl7.org/CodeSystem/supply-item-type";
    /// <summary>HL7 v2 table 0544 Container condition (the receiving lab's note on the box).</summary>
    public const string ContainerCondition = "http://terminology.hl7.org/CodeSystem/v2-0544";
}
