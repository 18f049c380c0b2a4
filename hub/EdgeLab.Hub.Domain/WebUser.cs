namespace EdgeLab.Hub.Domain;

/// <summary>What a person signed in to the hub's web pages may do (issue 13). Stored by name (<see cref="CanonicalText"/>-style kebab case).</summary>
public enum WebRole
{
    /// <summary>Registers referrals for a clinic without an EMR, prints slips and labels.</summary>
    Registrar,
    /// <summary>Receives tubes, resolves the lab's queues (unmatched results, identity conflicts, quarantine).</summary>
    LabTechnician,
    /// <summary>Validates results (the validation worklist comes with the autoverification work).</summary>
    LabDoctor,
    /// <summary>Reads the referrals and results of the clinic (clinic view).</summary>
    ClinicDoctor,
    /// <summary>Regional IT: the fleet and the people's accounts, region-wide.</summary>
    RegionalAdmin,
    /// <summary>Reads the audit trail, region-wide.</summary>
    SecurityOfficer,
    /// <summary>Regional IT on duty for the gateways: the fleet console, its alerts and commands (issue 12 §6), no patient data.</summary>
    FleetOperator,
}

/// <summary>
/// A person who signs in to the hub's web pages with a login and password, bound to one organization (a clinic or a
/// lab) that scopes what they see. Only a password hash is stored (ASP.NET Core Identity's PBKDF2 format).
/// </summary>
public sealed record WebUser
{
    public required string Login { get; init; }
    public required string DisplayName { get; init; }
    public required string OrganizationId { get; init; }
    public required WebRole Role { get; init; }
    public required string PasswordHash { get; init; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset? DisabledAt { get; init; }
    /// <summary>Wrong passwords since the last successful sign-in.</summary>
    public int FailedSignIns { get; init; }
    /// <summary>Sign-in refused until then, after too many wrong passwords.</summary>
    public DateTimeOffset? LockedUntil { get; init; }
}

/// <summary>A tube taken in at a lab's reception desk (a person typed or scanned its barcode).</summary>
public sealed record SpecimenReception
{
    public required string SpecimenId { get; init; }
    public required string LabId { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    /// <summary>Where: the reception station the person named, e.g. <c>reception-1</c>.</summary>
    public required string Station { get; init; }
    /// <summary>Who: the person's login.</summary>
    public required string ReceivedBy { get; init; }
}
