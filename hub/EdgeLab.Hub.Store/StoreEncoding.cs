using System.Globalization;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>How domain values are kept in columns portable across SQLite and PostgreSQL: times as Unix ms, lists as separated text.</summary>
public static class StoreEncoding
{
    /// <summary>Unit separator (U+001F) between list items (see <see cref="CanonicalText"/>).</summary>
    public const char ListSeparator = CanonicalText.ListSeparator;

    public static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static long? Ms(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? Time(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    public static string Codes(IEnumerable<string> codes) => string.Join(' ', codes);

    public static IReadOnlyList<string> Codes(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static string? List(IReadOnlyList<string> items) => CanonicalText.List(items);

    public static IReadOnlyList<string> List(string? text) => CanonicalText.List(text);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Sex(Sex sex) => sex switch { Domain.Sex.Male => "male", Domain.Sex.Female => "female", _ => "unknown" };

    public static Sex Sex(string text) => text switch { "male" => Domain.Sex.Male, "female" => Domain.Sex.Female, _ => Domain.Sex.Unknown };

    public static string Enum<T>(T value) where T : struct, Enum => CanonicalText.Enum(value);

    public static T Enum<T>(string text) where T : struct, Enum => CanonicalText.Enum<T>(text);

    /// <summary>Autoverification hold reasons as text (null = none: the rules released the result).</summary>
    public static string? HoldReasons(IReadOnlyList<HoldReason> reasons) =>
        reasons.Count == 0 ? null : CanonicalText.List(reasons.Select(r => r.ToString()).ToList());

    public static IReadOnlyList<HoldReason> HoldReasons(string? text) =>
        CanonicalText.List(text).Select(t => System.Enum.Parse<HoldReason>(t)).ToList();

    public static double? Real(decimal? value) => value is { } v ? (double)v : null;

    public static decimal? Dec(double? value) => value is { } v ? (decimal)v : null;

    /// <summary>Lower-cased, ё folded to е, for case-insensitive prefix search that works the same on both databases.</summary>
    public static string Norm(string text) => text.Trim().ToLowerInvariant().Replace('ё', 'е');

    /// <summary>
    /// A <c>LIKE … ESCAPE '\'</c> pattern for values starting with <paramref name="text"/> as typed: %, _ and \ in a name
    /// are letters, not wildcards (and PostgreSQL, unlike SQLite, would otherwise read \ as its default escape).
    /// </summary>
    public static string LikePrefix(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
