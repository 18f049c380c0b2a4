using System.Globalization;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Web.Auth;
using Microsoft.AspNetCore.Antiforgery;

namespace EdgeLab.Hub.Web.Lab;

/// <summary>
/// The lab console's decisions as plain form posts (antiforgery checked, audited like the API's
/// <c>/api/validation/results/{id}/*</c> and <c>/api/critical-values/{id}/acknowledge</c>, through the same
/// <see cref="IValidationStore"/> calls): release / rerun / reject a held result, and acknowledge a critical value.
/// Each answers with a redirect back to its page (post/redirect/get: a reload never decides twice) carrying only an
/// outcome code and an id — never the reason or names typed, which are free text about a patient.
/// </summary>
internal static class LabDecisionEndpoints
{
    /// <summary>Outcome codes the pages turn into words (<c>lab.outcome.*</c>).</summary>
    public const string Decided = "decided", NotFound = "not-found", NotHeld = "not-held", Superseded = "superseded",
        ReasonRequired = "reason-required", BadText = "bad-text", Acknowledged = "acknowledged", ReadBackRequired = "read-back-required",
        NamesRequired = "names-required", BadTime = "bad-time";

    public static void Map(WebApplication app)
    {
        app.MapPost("/web/validation/results/{id:long}", DecideAsync).RequireAuthorization(WebRoles.Validation).DisableAntiforgery();
        app.MapPost("/web/critical-values/{id:long}/acknowledge", AcknowledgeAsync).RequireAuthorization(WebRoles.CriticalValues).DisableAntiforgery();
    }

    private static async Task<IResult> DecideAsync(long id, HttpContext http, IAntiforgery antiforgery, IValidationStore store, WebAudit audit)
    {
        // Checked here rather than by the endpoint filter so the answer names the fix (the filter answers a bare 400).
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false)) return Results.BadRequest("The form's antiforgery token is missing or invalid; reload the page and try again.");
        var person = WebPerson.From(http.User)!;
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var back = BackTo("/validation", form["q"], form["hold"]);
        ValidationAction action;
        switch (form["action"].ToString())
        {
            case "release": action = ValidationAction.Release; break;
            case "rerun": action = ValidationAction.Rerun; break;
            case "reject": action = ValidationAction.Reject; break;
            default: return Results.BadRequest("action must be release, rerun or reject.");
        }
        var verb = action.ToString().ToLowerInvariant();
        var reason = form["reason"].ToString().Trim();
        if (FreeText.Problem(reason, 1000) is not null)
        {
            await audit.ActAsync(http, person, verb, "Observation", Id(id), null, StatusCodes.Status422UnprocessableEntity).ConfigureAwait(false);
            return Results.Redirect(Outcome(back, id, BadText, verb));
        }
        // A reject must say why (the clinic sees it instead of a value); the store enforces it too.
        if (action == ValidationAction.Reject && reason.Length == 0)
        {
            await audit.ActAsync(http, person, verb, "Observation", Id(id), null, StatusCodes.Status422UnprocessableEntity).ConfigureAwait(false);
            return Results.Redirect(Outcome(back, id, ReasonRequired, verb));
        }
        (DecisionOutcome Outcome, LabResult? Result) outcome;
        try
        {
            outcome = await store.DecideAsync(person.Scope, id, action, person.AuditId, reason.Length == 0 ? null : reason, http.RequestAborted).ConfigureAwait(false);
        }
        catch (StoreValidationException)
        {
            await audit.ActAsync(http, person, verb, "Observation", Id(id), null, StatusCodes.Status422UnprocessableEntity).ConfigureAwait(false);
            return Results.Redirect(Outcome(back, id, ReasonRequired, verb));
        }
        var (status, code) = outcome.Outcome switch
        {
            DecisionOutcome.Decided => (StatusCodes.Status200OK, Decided),
            DecisionOutcome.NotHeld => (StatusCodes.Status409Conflict, NotHeld),
            DecisionOutcome.Superseded => (StatusCodes.Status409Conflict, Superseded),
            _ => (StatusCodes.Status404NotFound, NotFound),
        };
        await audit.ActAsync(http, person, verb, "Observation", Id(id), outcome.Result?.PatientId, status).ConfigureAwait(false);
        return Results.Redirect(Outcome(back, id, code, verb));
    }

    private static async Task<IResult> AcknowledgeAsync(long id, HttpContext http, IAntiforgery antiforgery, IValidationStore store, WebAudit audit, TimeProvider time)
    {
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false)) return Results.BadRequest("The form's antiforgery token is missing or invalid; reload the page and try again.");
        var person = WebPerson.From(http.User)!;
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var informedBy = form["informedBy"].ToString().Trim();
        var informedWhom = form["informedWhom"].ToString().Trim();
        var now = time.GetUtcNow();
        string? problem = null;
        if (informedBy.Length == 0 || informedWhom.Length == 0) problem = NamesRequired;
        else if (FreeText.Problem(informedBy) is not null || FreeText.Problem(informedWhom) is not null) problem = BadText;
        // A value phoned through without read-back is not acknowledged (ISO 15189 §7.4.1.3 c; as the API's rule).
        else if (form["readBack"] != "true") problem = ReadBackRequired;
        var informedAt = now;
        if (problem is null && form["informedAt"].ToString() is { Length: > 0 } at)
        {
            // <input type="datetime-local"> sends yyyy-MM-ddTHH:mm without a zone; the page labels it UTC (the hub's clock).
            if (!DateTime.TryParseExact(at, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                || new DateTimeOffset(parsed, TimeSpan.Zero) > now + TimeSpan.FromMinutes(5))
                problem = BadTime;
            else informedAt = new DateTimeOffset(parsed, TimeSpan.Zero);
        }
        if (problem is not null)
        {
            await audit.ActAsync(http, person, "acknowledge", "CriticalValue", Id(id), null, StatusCodes.Status422UnprocessableEntity).ConfigureAwait(false);
            return Results.Redirect(Outcome("/critical-values", id, problem, "acknowledge"));
        }
        var done = await store.AcknowledgeCriticalAsync(person.Scope, id, new CriticalAcknowledgement
        {
            RecordedBy = person.AuditId,
            InformedBy = informedBy,
            InformedWhom = informedWhom,
            InformedAt = informedAt,
            ReadBackConfirmed = true,
            RecordedAt = now,
        }, http.RequestAborted).ConfigureAwait(false);
        await audit.ActAsync(http, person, "acknowledge", "CriticalValue", Id(id), null, done ? StatusCodes.Status200OK : StatusCodes.Status404NotFound).ConfigureAwait(false);
        return Results.Redirect(Outcome("/critical-values", id, done ? Acknowledged : NotFound, "acknowledge"));
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string BackTo(string path, string? q, string? hold)
    {
        var query = new List<string>();
        if (!string.IsNullOrWhiteSpace(q)) query.Add("q=" + Uri.EscapeDataString(q.Length > 100 ? q[..100] : q));
        if (Enum.TryParse<HoldReason>(hold, ignoreCase: true, out var h) && Enum.IsDefined(h)) query.Add("hold=" + h.ToString().ToLowerInvariant());
        return query.Count == 0 ? path : path + "?" + string.Join('&', query);
    }

    private static string Outcome(string back, long id, string code, string verb) =>
        $"{back}{(back.Contains('?', StringComparison.Ordinal) ? '&' : '?')}result={Id(id)}&outcome={code}&did={verb}";
}
