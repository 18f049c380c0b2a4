using EdgeLab.Hub.Mail;
using EdgeLab.Hub.Store;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        services.AddScoped<CabinetReportPdf>();
        services.AddMail();
        services.AddScoped<CabinetEmailCodes>();
        services.AddScoped<CabinetReadyNotices>();
        services.TryAddSingleton(new CabinetNoticeOptions());
        services.AddHostedService<CabinetReadyNoticeService>();
        return services;
    }

    public static void Map(WebApplication app)
    {
        app.MapPost("/cabinet/signout", SignOutAsync).RequireAuthorization(CabinetSignIn.Policy).DisableAntiforgery();
        app.MapGet("/cabinet/reports/{id}/report.pdf", ReportPdfAsync).RequireAuthorization(CabinetSignIn.Policy);
        CabinetMailEndpoints.Map(app);
    }

    /// <summary>
    /// The PDF of one of the session's reports; any other id is refused like the report page (403, audited). Each
    /// download is a new issue with its own verification id, recorded before the file is sent.
    /// </summary>
    private static async Task<IResult> ReportPdfAsync(string id, HttpContext http, [FromServices] CabinetRecords records, [FromServices] CabinetReportPdf writer,
        [FromServices] ICabinetStore store, [FromServices] CabinetSignIn access, [FromServices] CabinetAudit audit)
    {
        var patient = CabinetPatient.From(http.User)!;
        var report = id.Length <= 200 ? await records.ReportAsync(patient, id, http.RequestAborted).ConfigureAwait(false) : null;
        await audit.ViewAsync(http, patient, "ReportPdf", id.Length <= 200 ? id : id[..200], report is null ? StatusCodes.Status403Forbidden : StatusCodes.Status200OK).ConfigureAwait(false);
        if (report is null) return Results.StatusCode(StatusCodes.Status403Forbidden);
        var info = await access.ReferralInfoAsync(patient, report.Summary.ReferralId, http.RequestAborted).ConfigureAwait(false);
        var verificationId = CabinetReportPdf.NewVerificationId();
        var lines = writer.Lines(report);
        var issuedAt = access.Now;
        await store.RecordIssuedReportAsync(new IssuedCabinetReport(verificationId, report.Summary.Id, report.LabName, info?.Initials ?? "—", issuedAt, lines.Count,
            CabinetReportPdf.ContentHash(lines)), http.RequestAborted).ConfigureAwait(false);
        var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/cabinet/verify/{verificationId}";
        return Results.File(writer.Write(report, info?.Initials ?? "—", lines, verificationId, url, issuedAt), "application/pdf", $"results-{report.Summary.Id}.pdf");
    }

    /// <summary>Sign-out is a POST with the antiforgery token, like the staff's.</summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, CabinetAudit audit)
    {
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false)) return Results.BadRequest("The form's antiforgery token is missing or invalid; reload the page and try again.");
        if (CabinetPatient.From(http.User) is { } patient) await audit.ActAsync(http, patient, "cabinet-sign-out", "Session", null).ConfigureAwait(false);
        await http.SignOutAsync(CabinetSignIn.Scheme).ConfigureAwait(false);
        return Results.Redirect("/cabinet");
    }
}
