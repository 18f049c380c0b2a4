using System.Globalization;
using EdgeLab.Contract;
using EdgeLab.Hub.Grains;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Hub.Web.Auth;
using Microsoft.AspNetCore.Antiforgery;

namespace EdgeLab.Hub.Web.Fleet;

/// <summary>
/// The fleet console's actions as plain form posts (antiforgery checked, policy <see cref="WebRoles.Fleet"/>):
/// <c>POST /web/fleet/gateways/{id}/commands</c> (<c>name</c> = ping | restart | fetch-logs) queues a command in the
/// same ledger as the API's <c>/api/gateways/{id}/commands</c> (<see cref="GatewayCommandStore"/>, which audits it as
/// <c>command</c> with the person) and wakes the gateway's grain; <c>POST /web/fleet/alerts/{id}/acknowledge</c> records
/// who saw an alert, audited as <c>acknowledge</c> FleetAlert. Both redirect back with an outcome code only
/// (post/redirect/get: a reload never sends a command twice).
/// </summary>
internal static class FleetWebEndpoints
{
    public const string CommandQueued = "command-queued", CommandRefused = "command-refused", Acknowledged = "acknowledged", AlreadyAcknowledged = "already-acknowledged";
    public static readonly IReadOnlyList<string> Outcomes = [CommandQueued, CommandRefused, Acknowledged, AlreadyAcknowledged];

    /// <summary>What a person may send from the page; resend, redetect and certificate renewal stay with the API and command line.</summary>
    public static readonly IReadOnlyList<string> PersonCommands = [CommandNames.Ping, CommandNames.Restart, CommandNames.FetchLogs];

    public static void Map(WebApplication app)
    {
        app.MapPost("/web/fleet/gateways/{id}/commands", SendCommandAsync).RequireAuthorization(WebRoles.Fleet).DisableAntiforgery();
        app.MapPost("/web/fleet/alerts/{id:long}/acknowledge", AcknowledgeAsync).RequireAuthorization(WebRoles.Fleet).DisableAntiforgery();
    }

    private static async Task<IResult> SendCommandAsync(string id, HttpContext http, IAntiforgery antiforgery, GatewayCommandStore commands, WebAudit audit, IServiceProvider services)
    {
        // Checked here rather than by the endpoint filter so the answer names the fix (the filter answers a bare 400).
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false)) return Results.BadRequest("The form's antiforgery token is missing or invalid; reload the page and try again.");
        var person = WebPerson.From(http.User)!;
        if (!Topics.IsValidGatewayId(id)) return Results.BadRequest("The gateway id is not valid.");
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var name = form["name"].ToString();
        var back = "/fleet/gateways/" + id;
        if (!PersonCommands.Contains(name))
        {
            await audit.ActAsync(http, person, "command", "Gateway", id, null, StatusCodes.Status422UnprocessableEntity).ConfigureAwait(false);
            return Results.Redirect(back + "?outcome=" + CommandRefused + "#commands");
        }
        try
        {
            // The store writes the ledger row and its audit entry (actor = the person) in one transaction.
            await commands.RequestAsync(id, name, new Dictionary<string, string>(), null, person.AuditId, http.RequestAborted).ConfigureAwait(false);
        }
        catch (StoreValidationException)
        {
            await audit.ActAsync(http, person, "command", "Gateway", id, null, StatusCodes.Status404NotFound).ConfigureAwait(false);
            return Results.Redirect(back + "?outcome=" + CommandRefused + "#commands");
        }
        if (services.GetService<IGrainFactory>() is { } grains) _ = grains.GetGrain<IGatewayGrain>(id).PublishFleetAsync();
        return Results.Redirect(back + "?outcome=" + CommandQueued + "#commands");
    }

    private static async Task<IResult> AcknowledgeAsync(long id, HttpContext http, IAntiforgery antiforgery, FleetAlertStore alerts, WebAudit audit)
    {
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false)) return Results.BadRequest("The form's antiforgery token is missing or invalid; reload the page and try again.");
        var person = WebPerson.From(http.User)!;
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        // Back only to a fleet page of this hub (never an absolute URL: no open redirect).
        var back = form["back"].ToString() is { } b && (b == "/fleet/alerts" || (b.StartsWith("/fleet/gateways/", StringComparison.Ordinal) && Topics.IsValidGatewayId(b["/fleet/gateways/".Length..]))) ? b : "/fleet/alerts";
        var alert = await alerts.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        var done = alert is not null && await alerts.AcknowledgeAsync(id, person.AuditId, http.RequestAborted).ConfigureAwait(false);
        var status = alert is null ? StatusCodes.Status404NotFound : done ? StatusCodes.Status200OK : StatusCodes.Status409Conflict;
        await audit.ActAsync(http, person, "acknowledge", "FleetAlert", id.ToString(CultureInfo.InvariantCulture), null, status).ConfigureAwait(false);
        return Results.Redirect(back + "?outcome=" + (done ? Acknowledged : AlreadyAcknowledged));
    }
}
