namespace EdgeLab.Hub.Fhir;

/// <summary>
/// Logical ids (R4 §2.24.0.1 <c>id</c>: <c>[A-Za-z0-9\-\.]{1,64}</c>) and how EdgeLab composes them:
/// a ServiceRequest is one test of a referral, <c>{referralId}.{catalogCode}</c>; an Observation is a result id;
/// a DiagnosticReport is <c>{referralId}-{labId}</c> (the store's own id).
/// </summary>
internal static class ResourceIds
{
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');

    /// <summary>API client ids: 3–64 of a-z 0-9 '-' (like organization and gateway ids).</summary>
    public static bool IsValidClientId(string id) =>
        id.Length is >= 3 and <= 64 && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    public static string? ServiceRequest(string referralId, string catalogCode)
    {
        var id = $"{referralId}.{catalogCode}";
        return IsValid(id) ? id : null;
    }

    /// <summary>Splits a ServiceRequest id at its first dot (referral ids contain no dots).</summary>
    public static bool TryParseServiceRequest(string id, out string referralId, out string catalogCode)
    {
        var dot = id.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == id.Length - 1)
        {
            referralId = catalogCode = "";
            return false;
        }
        referralId = id[..dot];
        catalogCode = id[(dot + 1)..];
        return true;
    }
}
