using System.Security.Claims;

namespace EdgeLab.Hub.Web.Cabinet;

/// <summary>
/// The patient behind a cabinet request (issue 14), from the patient cookie's claims (<see cref="CabinetSignIn"/>
/// issues them): the patient and the referral the slip's code opened. A code opens one referral, so the cabinet shows
/// that referral's reports and nothing of another patient's. A sign-in by confirmed e-mail and one-time code
/// (<see cref="CabinetEmailCodes"/>) proves the patient, not a slip: <see cref="ReferralId"/> is null and the cabinet
/// shows all of the patient's referrals across the region.
/// </summary>
internal sealed record CabinetPatient(string PatientId, string? ReferralId)
{
    private const string PatientClaim = "cabinet-patient";
    private const string ReferralClaim = "cabinet-referral";

    /// <summary>The audit trail's "who" for a patient, set apart from people (<c>user:</c>) and API clients.</summary>
    public string AuditId => ReferralId is null ? $"patient:email:{PatientId}" : $"patient:{ReferralId}";

    /// <summary>True for an e-mail session: every referral of the patient.</summary>
    public bool AllReferrals => ReferralId is null;

    public static CabinetPatient? From(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true, AuthenticationType: CabinetSignIn.Scheme }) return null;
        return user.FindFirstValue(PatientClaim) is { } patient ? new CabinetPatient(patient, user.FindFirstValue(ReferralClaim)) : null;
    }

    public ClaimsPrincipal ToPrincipal() => new(new ClaimsIdentity(
        ReferralId is null ? [new Claim(PatientClaim, PatientId)] : [new Claim(PatientClaim, PatientId), new Claim(ReferralClaim, ReferralId)],
        CabinetSignIn.Scheme));

    public const string RequiredClaim = PatientClaim;
}
