using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Fleet.Rollouts;
using EdgeLab.Hub.Grains;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Hub.Store.Fleet.Rollouts;

namespace EdgeLab.Hub.Api;

/// <summary>
/// Rollouts for regional IT (issue 12 §3), scope <c>gateways.admin</c>, every call audited: <c>POST /api/rollouts</c>
/// (<see cref="RolloutStartBody"/> → 201 with the rollout), <c>GET /api/rollouts</c> (each with per-wave progress),
/// <c>GET /api/rollouts/{id}</c> (plus each gateway, the document and the history), <c>POST /api/rollouts/{id}/pause</c>,
/// <c>…/resume</c>, <c>…/abort</c> (abort rolls the current wave back). The rollout's grain does the rest.
/// </summary>
internal static class RolloutEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/rollouts", StartAsync);
        api.MapGet("/rollouts", ListAsync);
        api.MapGet("/rollouts/{id}", GetAsync);
        api.MapPost("/rollouts/{id}/pause", (HttpContext http, string id, RolloutStore store, AuditTrail audit, IServiceProvider services) => ActAsync(http, id, RolloutAction.Pause, store, audit, services));
        api.MapPost("/rollouts/{id}/resume", (HttpContext http, string id, RolloutStore store, AuditTrail audit, IServiceProvider services) => ActAsync(http, id, RolloutAction.Resume, store, audit, services));
        api.MapPost("/rollouts/{id}/abort", (HttpContext http, string id, RolloutStore store, AuditTrail audit, IServiceProvider services) => ActAsync(http, id, RolloutAction.Abort, store, audit, services));
    }

    private static async Task<IResult> StartAsync(HttpContext http, RolloutStore store, AuditTrail audit, IServiceProvider services)
    {
        var caller = FleetEndpoints.Authorize(http);
        var body = FleetEndpoints.Parse(await FleetEndpoints.ReadBodyAsync(http), RolloutApiJson.Default.RolloutStartBody);
        Rollout rollout;
        try
        {
            var scope = ParseScope(body.Scope);
            var document = body.Document ?? throw new StoreValidationException("document: required, the layer's new JSON object");
            // The store audits the start in its own transaction (actor = the client).
            rollout = await store.StartAsync(new ConfigLayerPayload(scope, document), body.ToPlan(), caller.ClientId, http.RequestAborted);
        }
        catch (StoreValidationException e)
        {
            await audit.RecordAsync(http, caller, "rollout-start", "Rollout", body.Scope, null, StatusCodes.Status422UnprocessableEntity);
            throw new FhirInputException(IssueType.Invalid, e.Message, "body", StatusCodes.Status422UnprocessableEntity);
        }
        Wake(services, rollout.Id);
        return Results.Json(RolloutItem.From(rollout, detail: true), RolloutApiJson.Default.RolloutItem, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext http, RolloutStore store, AuditTrail audit)
    {
        var caller = FleetEndpoints.Authorize(http);
        var list = await store.ListAsync(http.RequestAborted);
        await audit.RecordAsync(http, caller, "search", "Rollout", null, null, StatusCodes.Status200OK);
        return Results.Json(new RolloutList(list.Select(r => RolloutItem.From(r, detail: false)).ToList()), RolloutApiJson.Default.RolloutList);
    }

    private static async Task<IResult> GetAsync(HttpContext http, string id, RolloutStore store, AuditTrail audit)
    {
        var caller = FleetEndpoints.Authorize(http);
        var rollout = await store.GetAsync(id, http.RequestAborted);
        if (rollout is null)
        {
            await audit.RecordAsync(http, caller, "read", "Rollout", id, null, StatusCodes.Status404NotFound);
            throw new FhirInputException(IssueType.NotFound, $"rollout '{id}' does not exist", "id", StatusCodes.Status404NotFound);
        }
        await audit.RecordAsync(http, caller, "read", "Rollout", id, null, StatusCodes.Status200OK);
        return Results.Json(RolloutItem.From(rollout, detail: true), RolloutApiJson.Default.RolloutItem);
    }

    private static async Task<IResult> ActAsync(HttpContext http, string id, RolloutAction action, RolloutStore store, AuditTrail audit, IServiceProvider services)
    {
        var caller = FleetEndpoints.Authorize(http);
        IReadOnlyList<DesiredVersion> changed;
        try
        {
            // The store audits the action in its own transaction.
            changed = await store.ActAsync(id, action, caller.ClientId, http.RequestAborted);
        }
        catch (StoreValidationException e)
        {
            await audit.RecordAsync(http, caller, "rollout-" + StoreEncoding.Enum(action), "Rollout", id, null, StatusCodes.Status409Conflict);
            throw new FhirInputException(IssueType.BusinessRule, e.Message, "id", StatusCodes.Status409Conflict);
        }
        FleetEndpoints.Wake(services, changed.Select(v => v.GatewayId));
        Wake(services, id);
        return Results.Json(RolloutItem.From((await store.GetAsync(id, http.RequestAborted))!, detail: true), RolloutApiJson.Default.RolloutItem);
    }

    /// <summary><c>kind:value</c>, as <c>config set --scope</c> takes it.</summary>
    internal static ConfigScope ParseScope(string? text)
    {
        var colon = text?.IndexOf(':') ?? -1;
        if (text is null || colon <= 0) throw new StoreValidationException("scope: required as kind:value, e.g. lab:lab-1, facility:ОКБ Томск, model:rpi4, label:rural");
        return ConfigScope.Parse(text[..colon], text[(colon + 1)..]);
    }

    private static void Wake(IServiceProvider services, string rolloutId)
    {
        if (services.GetService<IGrainFactory>() is { } grains) _ = grains.GetGrain<IRolloutGrain>(rolloutId).WakeAsync();
    }
}
