namespace EdgeLab.Hub.Auth;

/// <summary>
/// Scopes a client may hold, in the SMART on FHIR v1 "system" form (<c>system/{Type|*}.{read|write|*}</c>) plus
/// <c>audit.read</c> for the organization's admin and <c>audit.region</c> for the regional security officer. A client without scopes gets <see cref="Default"/>.
/// </summary>
internal static class ApiScopes
{
    public const string ReadAll = "system/*.read";
    public const string WriteAll = "system/*.write";
    public const string AuditRead = "audit.read";
    /// <summary>The regional security officer: reads the whole region's audit trail (every organization's clients).</summary>
    public const string AuditRegion = "audit.region";
    /// <summary>Resolve held (unmatched) results of the organization's lab.</summary>
    public const string UnmatchedWrite = "unmatched.write";
    /// <summary>Regional IT: list the gateway registry, accept or reject enrolled gateways (issue 12 §1).</summary>
    public const string GatewaysAdmin = "gateways.admin";
    /// <summary>The lab doctor: the validation worklist (release, rerun, reject) and the critical-value board (acknowledge), for the organization's lab.</summary>
    public const string ResultsValidate = "results.validate";
    /// <summary>The clinician: releases a sensitive test's results to the patient's cabinet (issue 14), for referrals the organization sees.</summary>
    public const string CabinetRelease = "cabinet.release";

    /// <summary>The paper card archive (issue 15 §2): request cards, move requests on, upload scanned pages, decide queued cards.</summary>
    public const string ArchiveWrite = "archive.write";

    public static IReadOnlyList<string> Default { get; } = [ReadAll, WriteAll];

    public static bool IsKnown(string scope)
    {
        if (scope is AuditRead or AuditRegion or UnmatchedWrite or GatewaysAdmin or ResultsValidate or ArchiveWrite or CabinetRelease) return true;
        if (!scope.StartsWith("system/", StringComparison.Ordinal)) return false;
        var dot = scope.LastIndexOf('.');
        if (dot < 0) return false;
        var type = scope["system/".Length..dot];
        var access = scope[(dot + 1)..];
        return access is "read" or "write" or "*" && (type == "*" || KnownTypes.Contains(type));
    }

    /// <summary>True when <paramref name="granted"/> allows <paramref name="access"/> (read | write) on <paramref name="resourceType"/>.</summary>
    public static bool Allows(IEnumerable<string> granted, string resourceType, string access)
    {
        foreach (var scope in granted)
        {
            if (scope == $"system/{resourceType}.{access}" || scope == $"system/*.{access}"
                || scope == $"system/{resourceType}.*" || scope == "system/*.*")
                return true;
        }
        return false;
    }

    private static readonly HashSet<string> KnownTypes =
        ["Patient", "ServiceRequest", "Specimen", "Observation", "DiagnosticReport", "Unmatched", "Label", "Location", "DocumentReference", "Task", "SupplyDelivery"];
}
