using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Web.Auth;

/// <summary>
/// Role names as people and the command line write them (<c>lab-technician</c>), the role claim's value, and the
/// page policies: which roles may open which area. A page names a policy, never a list of roles, so the table below
/// is the one place that says who sees what.
/// </summary>
internal static class WebRoles
{
    private static readonly Dictionary<WebRole, string> Names = new()
    {
        [WebRole.Registrar] = "registrar",
        [WebRole.LabTechnician] = "lab-technician",
        [WebRole.LabDoctor] = "lab-doctor",
        [WebRole.ClinicDoctor] = "clinic-doctor",
        [WebRole.RegionalAdmin] = "regional-admin",
        [WebRole.SecurityOfficer] = "security-officer",
        [WebRole.FleetOperator] = "fleet-operator",
    };

    public static IReadOnlyCollection<string> All => Names.Values;

    public static string Name(WebRole role) => Names[role];

    public static bool TryParse(string? text, out WebRole role)
    {
        foreach (var (r, name) in Names)
        {
            if (string.Equals(name, text?.Trim(), StringComparison.OrdinalIgnoreCase)) { role = r; return true; }
        }
        role = default;
        return false;
    }

    /// <summary>Policy: any signed-in person (home page, sign-out).</summary>
    public const string AnyPerson = "web-person";
    /// <summary>Policy: referral entry, slips and labels (a clinic's registrar; regional admin for support).</summary>
    public const string ReferralEntry = "web-referral-entry";
    /// <summary>Policy: specimen reception and the lab's queues (lab technician, lab doctor; regional admin).</summary>
    public const string LabQueues = "web-lab-queues";
    /// <summary>Policy: the identity-conflict queue (the registrar whose clinic sent it, the lab, the region).</summary>
    public const string IdentityQueue = "web-identity-queue";

    /// <summary>Policy: the validation worklist — deciding on held results is the lab doctor's (regional admin for support).</summary>
    public const string Validation = "web-validation";
    /// <summary>Policy: the critical-value board — whoever phones the clinic (lab technician or lab doctor; regional admin).</summary>
    public const string CriticalValues = "web-critical-values";
    /// <summary>Policy: the clinic view of its referrals and results (clinic doctor; regional admin).</summary>
    public const string ClinicView = "web-clinic-view";

    /// <summary>Policy: the fleet console, its alerts and gateway commands (regional IT: fleet operator, regional admin).</summary>
    public const string Fleet = "web-fleet";

    public static readonly IReadOnlyDictionary<string, WebRole[]> Policies = new Dictionary<string, WebRole[]>
    {
        [AnyPerson] = Enum.GetValues<WebRole>(),
        [ReferralEntry] = [WebRole.Registrar, WebRole.RegionalAdmin],
        [LabQueues] = [WebRole.LabTechnician, WebRole.LabDoctor, WebRole.RegionalAdmin],
        [IdentityQueue] = [WebRole.Registrar, WebRole.LabTechnician, WebRole.LabDoctor, WebRole.RegionalAdmin],
        [Validation] = [WebRole.LabDoctor, WebRole.RegionalAdmin],
        [CriticalValues] = [WebRole.LabTechnician, WebRole.LabDoctor, WebRole.RegionalAdmin],
        [ClinicView] = [WebRole.ClinicDoctor, WebRole.RegionalAdmin],
        [Fleet] = [WebRole.FleetOperator, WebRole.RegionalAdmin],
    };

    public static bool Allows(string policy, WebRole role) => Policies[policy].Contains(role);
}
