using EdgeLab.Hub.Audit;

namespace EdgeLab.Hub.Web.Cabinet;

/// <summary>
/// The cabinet's entries in the hub's audit trail: every access attempt (code look-up, birth date, lock), every page a
/// patient opens and every refusal, as <c>patient:{referral}</c> (or <c>cabinet</c> before a code is known). The
/// patient's id goes in the entry's patient column, so "who read my record" finds the patient's own views too.
/// Never the code, never the birth date typed.
/// </summary>
internal sealed class CabinetAudit(AuditTrail trail)
{
    /// <summary>The audit trail's organization column for patients, who belong to none.</summary>
    public const string Organization = "-";

    public Task AttemptAsync(HttpContext http, CabinetAccessOutcome outcome, CabinetCodeInfo? info, string step) =>
        trail.RecordAsync(http, info is null ? "cabinet" : $"patient:{info.Referral.Id}", Organization,
            outcome == CabinetAccessOutcome.SignedIn ? $"cabinet-{step}" : $"cabinet-{step}-{Kebab(outcome)}",
            "Referral", info?.Referral.Id, info?.Patient.Id, Status(outcome));

    public Task ViewAsync(HttpContext http, CabinetPatient patient, string resourceType, string? resourceId, int status = StatusCodes.Status200OK) =>
        trail.RecordAsync(http, patient.AuditId, Organization, status == StatusCodes.Status200OK ? "read" : "refused", resourceType, resourceId,
            patient.PatientId, status);

    public Task ActAsync(HttpContext http, CabinetPatient patient, string action, string resourceType, string? resourceId, int status = StatusCodes.Status200OK) =>
        trail.RecordAsync(http, patient.AuditId, Organization, action, resourceType, resourceId, patient.PatientId, status);

    public static int Status(CabinetAccessOutcome outcome) => outcome switch
    {
        CabinetAccessOutcome.SignedIn => StatusCodes.Status200OK,
        CabinetAccessOutcome.LockedOut => StatusCodes.Status429TooManyRequests,
        CabinetAccessOutcome.BadDateFormat => StatusCodes.Status400BadRequest,
        // Not 404: static SSR answers a page that sets 404 with the router's empty not-found response, losing the message.
        CabinetAccessOutcome.Expired => StatusCodes.Status410Gone,
        _ => StatusCodes.Status401Unauthorized,
    };

    private static string Kebab(CabinetAccessOutcome outcome) => outcome switch
    {
        CabinetAccessOutcome.UnknownCode => "unknown-code",
        CabinetAccessOutcome.Expired => "expired",
        CabinetAccessOutcome.WrongBirthDate => "wrong-birth-date",
        CabinetAccessOutcome.BadDateFormat => "bad-date-format",
        CabinetAccessOutcome.LockedOut => "locked-out",
        _ => "signed-in",
    };
}
