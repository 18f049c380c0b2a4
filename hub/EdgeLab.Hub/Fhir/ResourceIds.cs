using System.Globalization;
using System.Text;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// Logical ids (R4 §2.24.0.1 <c>id</c>: <c>[A-Za-z0-9\-\.]{1,64}</c>) and how EdgeLab composes them:
/// a ServiceRequest is one test of a referral, <c>{referralId}.{catalogCode}</c>; an Observation is a result id;
/// a DiagnosticReport is <c>{referralId}-{labId}</c> (the store's own id).
/// Catalog codes may hold characters an id cannot (<c>NEUT%</c>, <c>NEUT#</c>): each is written as '.' and its two
/// hex digits (<c>NEUT.25</c>, <c>NEUT.23</c>), percent-encoding with '.' as the escape. Referral ids have no dots, so
/// the first dot still separates the two parts.
/// </summary>
internal static class ResourceIds
{
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');

    /// <summary>API client ids: 3–64 of a-z 0-9 '-' (like organization and gateway ids).</summary>
    public static bool IsValidClientId(string id) =>
        id.Length is >= 3 and <= 64 && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>Null only when the id cannot be written (a non-ASCII code, or longer than 64).</summary>
    public static string? ServiceRequest(string referralId, string catalogCode)
    {
        var id = new StringBuilder(referralId.Length + catalogCode.Length + 8).Append(referralId).Append('.');
        foreach (var c in catalogCode)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '-') id.Append(c);
            else if (char.IsAscii(c)) id.Append('.').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else return null;
        }
        var text = id.ToString();
        return IsValid(text) ? text : null;
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
        var code = new StringBuilder();
        for (var i = dot + 1; i < id.Length; i++)
        {
            if (id[i] != '.')
            {
                code.Append(id[i]);
                continue;
            }
            if (i + 2 >= id.Length || !byte.TryParse(id.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var escaped))
            {
                referralId = catalogCode = "";
                return false;
            }
            code.Append((char)escaped);
            i += 2;
        }
        catalogCode = code.ToString();
        return true;
    }
}
