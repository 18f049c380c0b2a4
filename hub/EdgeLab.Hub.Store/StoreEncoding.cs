using System.Globalization;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>How domain values are kept in columns portable across SQLite and PostgreSQL: times as Unix ms, lists as separated text.</summary>
internal static class StoreEncoding
{
    /// <summary>Unit separator (U+001F) between list items that may contain spaces (analyzer flags).</summary>
    public const char ListSeparator = '\u001f';

    public static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static long? Ms(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? Time(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    public static string Codes(IEnumerable<string> codes) => string.Join(' ', codes);

    public static IReadOnlyList<string> Codes(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static string? List(IReadOnlyList<string> items) => items.Count == 0 ? null : string.Join(ListSeparator, items);

    public static IReadOnlyList<string> List(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Split(ListSeparator);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Sex(Sex sex) => sex switch { Domain.Sex.Male => "male", Domain.Sex.Female => "female", _ => "unknown" };

    public static Sex Sex(string text) => text switch { "male" => Domain.Sex.Male, "female" => Domain.Sex.Female, _ => Domain.Sex.Unknown };

    public static string Enum<T>(T value) where T : struct, Enum => EnumText<T>.Of(value);

    /// <summary>Each enum value's stored text, made once (ingest writes one per result row).</summary>
    private static class EnumText<T> where T : struct, Enum
    {
        private static readonly Dictionary<T, string> Texts = System.Enum.GetValues<T>().Distinct().ToDictionary(v => v, v => v.ToString().ToLowerInvariant());

        public static string Of(T value) => Texts.TryGetValue(value, out var text) ? text : value.ToString().ToLowerInvariant();
    }

    public static T Enum<T>(string text) where T : struct, Enum => System.Enum.Parse<T>(text, ignoreCase: true);

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

    /// <summary>A new id: 32 hex digits, time-ordered (UUID v7), so keyset paging by id follows creation order.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");
}
