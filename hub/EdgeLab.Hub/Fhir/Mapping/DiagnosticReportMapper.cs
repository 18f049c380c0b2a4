using System.Globalization;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Mapping;

/// <summary>Domain <see cref="DiagnosticReportSummary"/> → FHIR R4 DiagnosticReport (§12.17), coded LOINC 11502-2 "Laboratory report".</summary>
internal static class DiagnosticReportMapper
{
    public const string LaboratoryReportLoinc = "11502-2";

    public static DiagnosticReport ToFhir(DiagnosticReportSummary report, ITestCatalog catalog) => new()
    {
        Id = report.Id,
        Meta = new Meta { LastUpdated = FhirDates.Instant(report.Issued) },
        Identifier = [new Identifier { System = FhirSystems.ReferralId, Value = report.Id }],
        BasedOn = report.TestCodes
            .Select(code => ResourceIds.ServiceRequest(report.ReferralId, code))
            .OfType<string>()
            .Select(id => Reference.To("ServiceRequest", id))
            .NullIfEmpty(),
        Status = Status(report.Status),
        Category = [CodeMapper.LabSection],
        Code = new CodeableConcept
        {
            Coding = [new Coding { System = FhirSystems.Loinc, Code = LaboratoryReportLoinc, Display = "Laboratory report" }],
            Text = "Laboratory report: " + string.Join(", ", report.TestCodes.Select(c => catalog.Find(c)?.Name ?? c)),
        },
        Subject = PatientMapper.Reference(report.PatientId),
        EffectiveDateTime = FhirDates.Instant(report.EffectiveAt),
        // R4: issued is when this version was made available — only once there is something to report.
        Issued = report.ResultIds.Count > 0 ? FhirDates.Instant(report.Issued) : null,
        Performer = [CodeMapper.Organization(report.PerformingLabId)],
        Result = report.ResultIds
            .Select(id => Reference.To("Observation", id.ToString(CultureInfo.InvariantCulture)))
            .NullIfEmpty(),
    };

    /// <summary>DiagnosticReportStatus (R4, required binding).</summary>
    public static string Status(ReportStatus status) => status switch
    {
        ReportStatus.Registered => "registered",
        ReportStatus.Partial => "partial",
        ReportStatus.Final => "final",
        ReportStatus.Amended => "amended",
        ReportStatus.Cancelled => "cancelled",
        _ => "unknown",
    };

    public static ReportStatus? ParseStatus(string code) => code switch
    {
        "registered" => ReportStatus.Registered,
        "partial" => ReportStatus.Partial,
        "final" => ReportStatus.Final,
        "amended" => ReportStatus.Amended,
        "cancelled" => ReportStatus.Cancelled,
        _ => null,
    };
}
