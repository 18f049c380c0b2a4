using Microsoft.Net.Http.Headers;

namespace EdgeLab.Hub.Web.Text;

/// <summary>
/// Picks the page language: <c>?lang=ru|en</c> (remembered in a cookie), the cookie, then Accept-Language in its
/// q order; Russian when nothing matches (issue 13: Russian first). Why not RequestLocalizationMiddleware and
/// CultureInfo: the hub runs with InvariantGlobalization (no ICU on the gateways' and hub's minimal images), where
/// creating a "ru" culture throws; and the FHIR/JSON APIs must keep their invariant formatting anyway. So the language
/// is a plain value for the request (<see cref="UiText.Language"/>), applied to the web pages only.
/// </summary>
internal static class UiCulture
{
    public const string QueryKey = "lang";
    public const string CookieName = "edgelab-lang";

    public static string Resolve(HttpContext http)
    {
        var query = http.Request.Query[QueryKey].ToString();
        if (query is "ru" or "en")
        {
            if (!http.Response.HasStarted)
                http.Response.Cookies.Append(CookieName, query, new CookieOptions { HttpOnly = true, SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax, IsEssential = true, MaxAge = TimeSpan.FromDays(365) });
            return query;
        }
        if (http.Request.Cookies[CookieName] is "ru" or "en") return http.Request.Cookies[CookieName]!;
        var accepted = http.Request.GetTypedHeaders().AcceptLanguage;
        foreach (var lang in accepted.OrderByDescending(l => l.Quality ?? 1))
        {
            var tag = lang.Value.Value ?? "";
            if (tag.StartsWith("ru", StringComparison.OrdinalIgnoreCase)) return "ru";
            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase)) return "en";
        }
        return "ru";
    }

    /// <summary>Sets the language for the rest of this request (the page renders in the request's async flow).</summary>
    public static async Task Middleware(HttpContext http, Func<Task> next)
    {
        UiText.Language = Resolve(http);
        await next().ConfigureAwait(false);
    }
}
