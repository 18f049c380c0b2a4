using System.Security.Claims;

namespace EdgeLab.Hub.Web.Cabinet;

/// <summary>
/// The patient behind a cabinet request (issue 14), from the patient cookie's claims (<see cref="CabinetSignIn"/>
/// issues them): the patient and the referral the slip's code opened. A code opens one referral, so the cabinet shows
/// that referral's reports and nothing of another patient's.
/// </summary>
internal sealed record CabinetPatient(string PatientId, string ReferralId)
{
    private const string PatientClaim = "cabinet-patient";
    private const string ReferralClaim = "cabinet-referral";

    /// <summary>The audit trail's "who" for a patient, set apart from people (<c>user:</c>) and API clients.</summary>
    public string AuditId => $"patient:{ReferralId}";

    public static CabinetPatient? From(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true, AuthenticationType: CabinetSignIn.Scheme }) return null;
        return user.FindFirstValue(PatientClaim) is { } patient && user.FindFirstValue(ReferralClaim) is { } referral
            ? new CabinetPatient(patient, referral)
            : null;
    }

    public ClaimsPrincipal ToPrincipal() => new(new ClaimsIdentity(
        [
            new Claim(PatientClaim, PatientId),
            new Claim(ReferralClaim, ReferralId),
        ], CabinetSignIn.Scheme));

    public const string RequiredClaim = PatientClaim;
}
