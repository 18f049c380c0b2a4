using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace EdgeLab.Hub.Web.Cabinet;

/// <summary>The cabinet's mail endpoint: the patient asks for the "results ready" mail again (issue 14: resendable).</summary>
internal static class CabinetMailEndpoints
{
    public const string ResendPath = "/cabinet/notices/resend";

    public static void Map(WebApplication app) =>
        app.MapPost(ResendPath, ResendAsync).RequireAuthorization(CabinetSignIn.Policy).DisableAntiforgery();

    /// <summary>
    /// A POST with the antiforgery token and the referral (a form field, never the URL). Only a referral of the session
    /// that is ready, to the session patient's confirmed address; audited whether sent or not.
    /// </summary>
    private static async Task<IResult> ResendAsync(HttpContext http, IAntiforgery antiforgery, [FromServices] CabinetReadyNotices notices, [FromServices] CabinetAudit audit)
    {
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false)) return Results.BadRequest("The form's antiforgery token is missing or invalid; reload the page and try again.");
        var patient = CabinetPatient.From(http.User)!;
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var referral = form["referral"].ToString();
        var id = referral.Length is > 0 and <= 200 ? await notices.ResendAsync(patient, referral, http.RequestAborted).ConfigureAwait(false) : null;
        await audit.ActAsync(http, patient, id is null ? "cabinet-ready-resend-refused" : "cabinet-ready-resend", "Referral", referral.Length <= 200 ? referral : referral[..200],
            id is null ? StatusCodes.Status409Conflict : StatusCodes.Status202Accepted).ConfigureAwait(false);
        return Results.Redirect($"/cabinet/results?resent={(id is null ? 0 : 1)}");
    }
}
