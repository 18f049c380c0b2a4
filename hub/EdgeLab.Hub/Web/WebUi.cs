using EdgeLab.Hub.Web.Auth;
using EdgeLab.Hub.Web.Cabinet;
using EdgeLab.Hub.Web.Components;
using EdgeLab.Hub.Web.Documents;
using EdgeLab.Hub.Web.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace EdgeLab.Hub.Web;

/// <summary>
/// The hub's web pages (issue 13): Razor Components rendered on the server (static SSR), cookie sign-in for people,
/// antiforgery on every POST, the language per request. Registered beside the API (<c>Hosting/HttpApi</c>) by
/// <c>run</c> with the api role. See hub/ARCHITECTURE.md "Web pages" for why static SSR.
/// </summary>
internal static class WebUi
{
    public static IServiceCollection AddWebUi(this IServiceCollection services)
    {
        services.AddRazorComponents();
        // Cyrillic as characters, not &#x…; entities: the default encoder allows Basic Latin only, which triples the
        // pages and makes their text unreadable in a view-source or a test assertion. Markup characters stay encoded.
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "edgelab-af";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddAuthentication()
            .AddCookie(PersonSignIn.Scheme, o =>
            {
                o.Cookie.Name = "edgelab-session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                // Secure when served over HTTPS (behind the region's reverse proxy); loopback tests run plain HTTP.
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/signin";
                o.LogoutPath = "/signout";
                o.ExpireTimeSpan = PersonSignIn.SessionIdle;
                o.SlidingExpiration = true;
                o.Events.OnRedirectToAccessDenied = RefuseAsync;
                o.Events.OnValidatePrincipal = RevalidateAsync;
            });
        var authorization = services.AddAuthorizationBuilder();
        foreach (var (policy, roles) in WebRoles.Policies)
        {
            authorization.AddPolicy(policy, p => p
                .AddAuthenticationSchemes(PersonSignIn.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(WebPerson.OrganizationClaim)
                .RequireRole(roles.Select(WebRoles.Name)));
        }
        services.AddScoped<PersonSignIn>();
        services.AddScoped<WebAudit>();
        services.AddSingleton<Queues.LabQuarantine>();
        services.AddSingleton<Queues.TubeScans>();
        services.AddSingleton<ReferralSlipWriter>();
        services.AddSingleton<Clinic.ClinicReportWriter>();
        services.AddCabinet();
        return services;
    }

    public static WebApplication MapWebUi(this WebApplication app)
    {
        app.UseWhen(IsPage, branch => branch.Use(UiCulture.Middleware));
        app.UseAntiforgery();
        app.MapGet("/web/edgelab.css", () => Results.Text(Stylesheet.Value, "text/css; charset=utf-8")).AllowAnonymous();
        app.MapPost("/signout", SignOutAsync).RequireAuthorization(WebRoles.AnyPerson).DisableAntiforgery();
        WebDocumentEndpoints.Map(app);
        Lab.LabDecisionEndpoints.Map(app);
        Clinic.ClinicDocumentEndpoints.Map(app);
        Fleet.FleetWebEndpoints.Map(app);
        CabinetWeb.Map(app);
        app.MapRazorComponents<App>();
        return app;
    }

    private static bool IsPage(HttpContext http) =>
        !http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
        && !http.Request.Path.StartsWithSegments("/fhir", StringComparison.Ordinal)
        && !http.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal);

    /// <summary>Sign-out is a POST with the antiforgery token (a GET would let any page sign a person out).</summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, WebAudit audit)
    {
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false)) return Results.BadRequest("The form's antiforgery token is missing or invalid; reload the page and try again.");
        if (WebPerson.From(http.User) is { } person) await audit.ActAsync(http, person, "sign-out", "Session", null, null, StatusCodes.Status200OK).ConfigureAwait(false);
        await http.SignOutAsync(PersonSignIn.Scheme).ConfigureAwait(false);
        return Results.Redirect("/signin");
    }

    /// <summary>
    /// A signed-in person whose role does not allow the page: 403 with a short page (not the cookie handler's redirect,
    /// which would answer 302 and hide the refusal), recorded in the audit trail with the path asked for.
    /// </summary>
    private static async Task RefuseAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        var http = context.HttpContext;
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        if (WebPerson.From(http.User) is { } person)
        {
            var audit = http.RequestServices.GetRequiredService<WebAudit>();
            await audit.ActAsync(http, person, "refused", "Page", Truncate(http.Request.Path.Value ?? "/"), null, StatusCodes.Status403Forbidden).ConfigureAwait(false);
        }
        UiText.Language = UiCulture.Resolve(http);
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(
            $"<!DOCTYPE html><html lang=\"{UiText.Lang}\"><head><meta charset=\"utf-8\"><title>{UiText.T("denied.title")}</title><link rel=\"stylesheet\" href=\"/web/edgelab.css\"></head>"
            + $"<body><main id=\"main\"><h1>{UiText.T("denied.title")}</h1><p>{UiText.T("denied.text")}</p><p><a href=\"/\">{UiText.T("nav.home")}</a></p></main></body></html>").ConfigureAwait(false);
    }

    /// <summary>
    /// Every request re-reads the person (one primary-key read): a person disabled with <c>users disable</c>, or whose
    /// role or organization changed, loses the session at once instead of when the cookie expires.
    /// </summary>
    private static async Task RevalidateAsync(CookieValidatePrincipalContext context)
    {
        var person = WebPerson.From(context.Principal);
        var users = context.HttpContext.RequestServices.GetRequiredService<Store.IWebUserStore>();
        var user = person is null ? null : await users.GetWebUserAsync(person.Login, context.HttpContext.RequestAborted).ConfigureAwait(false);
        if (user is null || user.DisabledAt is not null || user.Role != person!.Role || user.OrganizationId != person.OrganizationId)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(PersonSignIn.Scheme).ConfigureAwait(false);
        }
    }

    private static string Truncate(string path) => path.Length > 200 ? path[..200] : path;

    private static readonly Lazy<string> Stylesheet = new(() =>
    {
        using var stream = typeof(WebUi).Assembly.GetManifestResourceStream("EdgeLab.Hub.Web.Assets.edgelab.css")
            ?? throw new InvalidOperationException("the stylesheet is not embedded (hub/EdgeLab.Hub/Web/Assets/edgelab.css)");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
