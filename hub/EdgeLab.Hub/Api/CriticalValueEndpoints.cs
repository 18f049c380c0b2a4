using System.Globalization;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Api;

/// <summary>
/// The critical-value board (issue 13): <c>GET /api/critical-values</c> lists critical results not yet acknowledged,
/// oldest first, with the ordering clinic's phone; <c>POST /api/critical-values/{id}/acknowledge</c> records who
/// informed whom, when, and the read-back (ISO 15189 §7.4.1.3 c). Scope <c>results.validate</c>, audited.
/// </summary>
internal static class CriticalValueEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/critical-values", Board);
        api.MapPost("/critical-values/{id}/acknowledge", Acknowledge);
    }

    private static async Task<IResult> Board(HttpContext http, IValidationStore store, AuditTrail audit)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessHas(caller, ApiScopes.ResultsValidate);
        var items = await store.ListCriticalBoardAsync(caller.Scope, http.RequestAborted);
        await audit.RecordAsync(http, caller, "search", "CriticalValue", null, null, StatusCodes.Status200OK);
        return Results.Json(new CriticalBoardResponse(items.Select(i => new CriticalBoardEntry
        {
            Id = i.Notification.Id,
            ResultId = i.Result.Id,
            PatientId = i.Result.PatientId,
            ReferralId = i.Result.ReferralId,
            CatalogCode = i.Result.CatalogCode,
            Value = i.Result.Value,
            Unit = i.Result.Unit,
            Interpretation = i.Notification.Interpretation,
            CreatedAt = i.Notification.CreatedAt,
            Validation = ValidationEndpoints.Kebab(i.Result.Validation.ToString()),
            OrderingOrganizationId = i.Notification.OrganizationId,
            OrderingOrganizationName = i.OrderingOrganizationName,
            OrderingOrganizationPhone = i.OrderingOrganizationPhone,
            PractitionerName = i.PractitionerName,
            WebhookDeliveredAt = i.Notification.DeliveredAt,
            EscalatedAt = i.Notification.EscalatedAt,
        }).ToList()), ApiJson.Wire.CriticalBoardResponse);
    }

    private static async Task<IResult> Acknowledge(string id, HttpContext http, IValidationStore store, AuditTrail audit, TimeProvider time)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessHas(caller, ApiScopes.ResultsValidate);
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var notificationId))
            throw new FhirInputException(IssueType.Value, $"'{id}' is not a critical-value id (a positive integer).", "id");
        var body = await ApiJson.ReadAsync(http.Request, ApiJson.Default.AcknowledgeRequest);
        foreach (var (value, field) in new[] { (body.InformedBy, "informedBy"), (body.InformedWhom, "informedWhom") })
        {
            if (string.IsNullOrWhiteSpace(value)) throw FhirInputException.Unprocessable($"{field} is required: the name (and role) of the person, as they gave it.", field);
            if (FreeText.Problem(value) is { } problem) throw FhirInputException.Unprocessable($"{field} {problem}", field);
        }
        // A value phoned through without read-back is not acknowledged: ask the receiver to repeat it first.
        if (body.ReadBackConfirmed != true)
            throw FhirInputException.Unprocessable("readBackConfirmed must be true: the person informed repeats the value back before it counts as acknowledged.", "readBackConfirmed");
        var now = time.GetUtcNow();
        if (body.InformedAt is { } at && at > now + TimeSpan.FromMinutes(5))
            throw FhirInputException.Unprocessable("informedAt is in the future; give the time of the call.", "informedAt");
        var done = await store.AcknowledgeCriticalAsync(caller.Scope, notificationId, new CriticalAcknowledgement
        {
            RecordedBy = caller.ClientId,
            InformedBy = body.InformedBy!.Trim(),
            InformedWhom = body.InformedWhom!.Trim(),
            InformedAt = body.InformedAt ?? now,
            ReadBackConfirmed = true,
            RecordedAt = now,
        }, http.RequestAborted);
        await audit.RecordAsync(http, caller, "acknowledge", "CriticalValue", id, null, done ? StatusCodes.Status200OK : StatusCodes.Status404NotFound);
        return done
            ? Results.NoContent()
            : FhirResult.Outcome(StatusCodes.Status404NotFound, IssueType.NotFound, $"critical value {id} is not on your board (unknown, another lab's, or already acknowledged).");
    }
}
