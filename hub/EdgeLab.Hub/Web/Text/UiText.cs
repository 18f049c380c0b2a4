using System.Globalization;

namespace EdgeLab.Hub.Web.Text;

/// <summary>
/// The web pages' strings, Russian first, English as the fallback (issue 13): markup names a key, never a literal.
/// The language is chosen per request by <see cref="UiCulture"/> (<c>?lang=</c>, the language cookie, then
/// Accept-Language). A key missing in Russian falls back to English, a key missing in both shows itself, so a gap is
/// visible in a screenshot rather than an empty label.
/// </summary>
internal static partial class UiText
{
    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>"ru" or "en" for this request (set by <see cref="UiCulture.Middleware"/>).</summary>
    public static string Language
    {
        get => Current.Value ?? "ru";
        set => Current.Value = value;
    }

    public static bool IsEnglish => Language == "en";

    /// <summary>The <c>lang</c> attribute of the page (WCAG 2.1 SC 3.1.1).</summary>
    public static string Lang => IsEnglish ? "en" : "ru";

    public static string T(string key) =>
        (!IsEnglish && Ru.TryGetValue(key, out var ru)) ? ru : En.TryGetValue(key, out var en) ? en : key;

    /// <summary>A string with placeholders ({0}…) filled in the current culture.</summary>
    public static string F(string key, params object?[] args) => string.Format(CultureInfo.InvariantCulture, T(key), args);

    /// <summary>A time in the page's language, to the second, in UTC (the hub's clock; stations show their own time zone later).</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("dd.MM.yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
