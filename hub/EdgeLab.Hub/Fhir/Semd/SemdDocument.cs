using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Semd;

/// <summary>
/// One СЭМД «Протокол лабораторного исследования»: the document Bundle and its validation report, an OperationOutcome
/// naming what the document could not carry as the guide wants it (tests without a verified ФСЛИ code, units without an
/// NSI code, identifiers the hub does not know) and any structural rule it breaks (<see cref="SemdStructureCheck"/>).
/// </summary>
internal sealed record SemdDocument(Bundle Bundle, OperationOutcome ValidationReport)
{
    /// <summary>True when a structural rule is broken: such a document is never handed out.</summary>
    public bool HasErrors => ValidationReport.Issue.Any(i => i.Severity is "error" or "fatal");
}
