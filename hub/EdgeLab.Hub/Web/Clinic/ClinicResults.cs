using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Web.Lab;
using static EdgeLab.Hub.Web.Text.UiText;

namespace EdgeLab.Hub.Web.Clinic;

/// <summary>
/// What the clinic may read of a result: the value only once released (by the rules or a lab doctor) — a held value
/// is not yet the lab's answer (FHIR R4 Observation.status preliminary), a rejected one never is. Shared by the
/// clinic's pages and its PDF report.
/// </summary>
internal static class ClinicResults
{
    public static bool Shows(LabResult r) => r.Validation.IsReleased();

    /// <summary>The value with its unit, or what stands in its place.</summary>
    public static string Value(LabResult r) => r.Validation switch
    {
        _ when Shows(r) => $"{ResultWords.Value(r)} {ResultWords.Unit(r)}".TrimEnd(),
        ValidationState.Held => T("clinic.result.held"),
        ValidationState.RerunRequested => T("clinic.result.rerun"),
        _ => T("clinic.result.rejected"),
    };

    public static string Flag(LabResult r) => Shows(r) ? ResultWords.Flag(r.Interpretation) : "";

    public static string Name(ITestCatalog catalog, string code) =>
        catalog.Find(code) is { } t ? (IsEnglish ? t.Name : t.NameRu ?? t.Name) : code;

    public static string Status(ClinicReferralStatus status) => T("clinic.status." + status.ToString().ToLowerInvariant());
}
