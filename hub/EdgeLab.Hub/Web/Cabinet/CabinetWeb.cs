using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace EdgeLab.Hub.Web.Cabinet;

/// <summary>
/// The patient's cabinet on the hub's web stack (issue 14): its own cookie scheme and policy, registered beside the
/// staff's by <see cref="WebUi"/>. The cookie is confined to <c>/cabinet</c> and named apart from the staff session, and
/// the staff policies name only the staff scheme, so neither session opens the other's pages.
/// </summary>
internal static class CabinetWeb
{
    public const string CookieName = "edgelab-cabinet";

    public static IServiceCollection AddCabinet(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddCookie(CabinetSignIn.Scheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.Path = "/cabinet";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/cabinet";
                o.ReturnUrlParameter = "unused"; // the code page takes no return URL: nothing to redirect to elsewhere
                o.ExpireTimeSpan = CabinetSignIn.SessionIdle;
                o.SlidingExpiration = true;
            });
        services.AddAuthorizationBuilder().AddPolicy(CabinetSignIn.Policy, p => p
            .AddAuthenticationSchemes(CabinetSignIn.Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim(CabinetPatient.RequiredClaim));
        services.AddScoped<CabinetSignIn>();
        services.AddScoped<CabinetAudit>();
        services.AddScoped<CabinetRecords>();
        return services;
    }

    public static void Map(WebApplication app) =>
        app.MapPost("/cabinet/signout", SignOutAsync).RequireAuthorization(CabinetSignIn.Policy).DisableAntiforgery();

    /// <summary>Sign-out is a POST with the antiforgery token, like the staff's.</summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, CabinetAudit audit)
    {
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false)) return Results.BadRequest("The form's antiforgery token is missing or invalid; reload the page and try again.");
        if (CabinetPatient.From(http.User) is { } patient) await audit.ActAsync(http, patient, "cabinet-sign-out", "Session", null).ConfigureAwait(false);
        await http.SignOutAsync(CabinetSignIn.Scheme).ConfigureAwait(false);
        return Results.Redirect("/cabinet");
    }
}
