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
        (!IsEnglish && All.Value.Ru.TryGetValue(key, out var ru)) ? ru : All.Value.En.TryGetValue(key, out var en) ? en : key;

    /// <summary>
    /// The strings of every area of pages. The first pages' strings are in UiText.Strings.cs; each later area (lab
    /// console, cabinet, fleet…) keeps its own in UiText.{Area}.cs as a <see cref="UiStrings"/> and is named here, so
    /// areas do not edit one shared dictionary. Built once, on first use, because static fields of a partial class
    /// spread over files have no defined initialisation order.
    /// </summary>
    private static IEnumerable<UiStrings> Areas() => [LabStrings, ClinicStrings, CabinetStrings, TransfersStrings, FleetStrings, MailStrings];

    private static readonly Lazy<(Dictionary<string, string> Ru, Dictionary<string, string> En)> All = new(() =>
    {
        var ru = new Dictionary<string, string>(Ru!, StringComparer.Ordinal); // set by then: the lambda runs after the type initialiser
        var en = new Dictionary<string, string>(En!, StringComparer.Ordinal);
        foreach (var area in Areas())
        {
            foreach (var (key, text) in area)
            {
                // A key defined twice is a mistake that would show the wrong label: fail at first use, in every test.
                if (!ru.TryAdd(key, text.Ru) || !en.TryAdd(key, text.En))
                    throw new InvalidOperationException($"Web string '{key}' is defined twice.");
            }
        }
        return (ru, en);
    });

    /// <summary>A string with placeholders ({0}…) filled in the current culture.</summary>
    public static string F(string key, params object?[] args) => string.Format(CultureInfo.InvariantCulture, T(key), args);

    /// <summary>A time in the page's language, to the second, in UTC (the hub's clock; stations show their own time zone later).</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("dd.MM.yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
