using System.Globalization;

namespace EdgeLab.Hub.Fhir;

/// <summary>FHIR R4 date, dateTime and instant lexical forms (R4 §2.24.0.1 primitive types).</summary>
internal static class FhirDates
{
    /// <summary>instant / dateTime with seconds and offset, UTC: <c>2026-11-21T09:00:00.123Z</c>.</summary>
    public static string Instant(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Instant(DateTimeOffset? at) => at is { } v ? Instant(v) : null;

    /// <summary>date: <c>YYYY-MM-DD</c>.</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string? Date(DateOnly? date) => date is { } v ? Date(v) : null;

    /// <summary>Parses a full FHIR date (<c>YYYY-MM-DD</c>); partial dates are not enough for a birth date on a referral.</summary>
    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
