using System.Text.Json.Serialization;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Broker;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Enrolment;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Store;
using Microsoft.AspNetCore.Mvc;

namespace EdgeLab.Hub.Api;

/// <summary>
/// The gateway registry for regional IT (issue 12 §1), scope <c>gateways.admin</c>: <c>GET /api/gateways</c> (state —
/// pending first —, facility, certificate expiry, when a pending gateway last announced itself),
/// <c>POST /api/gateways/{id}/accept</c> and <c>…/reject</c>. Each decision is audited by the registry with the
/// client as actor; with the hub's broker options the broker's ACL follows at once, and a rejected gateway's
/// certificate goes on the CRL when the CA key is at hand (<c>run --ca-dir</c>).
/// </summary>
internal static class GatewayRegistryEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/gateways", List);
        api.MapPost("/gateways/{id}/accept", (HttpContext http, string id, IServiceProvider services) => DecideAsync(http, id, GatewayState.Enabled, services));
        api.MapPost("/gateways/{id}/reject", (HttpContext http, string id, IServiceProvider services) => DecideAsync(http, id, GatewayState.Revoked, services));
    }

    private static async Task<IResult> List(HttpContext http, [FromServices] GatewayEnrolmentStore registry, [FromServices] AuditTrail audit, IServiceProvider services)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessHas(caller, ApiScopes.GatewaysAdmin);
        var all = await registry.ListAsync(http.RequestAborted);
        // Desired vs reported configuration per gateway (issue 12 §2), for the fleet console.
        var configs = services.GetService<Store.Fleet.FleetConfigStore>() is { } fleet
            ? (await fleet.ListStatesAsync(null, http.RequestAborted)).ToDictionary(s => s.GatewayId, StringComparer.Ordinal)
            : [];
        await audit.RecordAsync(http, caller, "search", "Gateway", null, null, StatusCodes.Status200OK);
        var items = all.OrderBy(g => g.State == GatewayState.Pending ? 0 : 1).ThenBy(g => g.GatewayId, StringComparer.Ordinal).Select(g => Item(g) with
        {
            DesiredConfigVersion = configs.GetValueOrDefault(g.GatewayId)?.DesiredVersion,
            ReportedConfigVersion = configs.GetValueOrDefault(g.GatewayId)?.ReportedVersion,
            ConfigDrift = configs.GetValueOrDefault(g.GatewayId)?.Drift,
        }).ToList();
        return Results.Json(new GatewayList(items), GatewayRegistryJson.Default.GatewayList);
    }

    private static async Task<IResult> DecideAsync(HttpContext http, string id, GatewayState state, IServiceProvider services)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessHas(caller, ApiScopes.GatewaysAdmin);
        var states = services.GetRequiredService<IGatewayStateStore>();
        var registry = services.GetRequiredService<GatewayEnrolmentStore>();
        var audit = services.GetRequiredService<AuditTrail>();
        var action = state == GatewayState.Enabled ? "accept" : "reject";
        if (await registry.GetAsync(id, http.RequestAborted) is null)
        {
            await audit.RecordAsync(http, caller, action, "Gateway", id, null, StatusCodes.Status404NotFound);
            throw new FhirInputException(IssueType.NotFound, $"gateway '{id}' is not registered", "id", StatusCodes.Status404NotFound);
        }
        try
        {
            await states.ChangeStateAsync(new GatewayStateChange(id, state, null, caller.ClientId, From: GatewayState.Pending), http.RequestAborted);
        }
        catch (StoreValidationException e)
        {
            await audit.RecordAsync(http, caller, action, "Gateway", id, null, StatusCodes.Status422UnprocessableEntity);
            throw new FhirInputException(IssueType.BusinessRule, e.Message, "state", StatusCodes.Status422UnprocessableEntity);
        }
        if (state == GatewayState.Revoked && services.GetService<DeviceCaLocation>() is { } ca
            && (await registry.GetAsync(id, http.RequestAborted))?.CertificateSerial is { } serial)
        {
            try
            {
                DeviceCa.Open(ca.Directory, ca.KeyPath, TimeProvider.System).Revoke(serial);
            }
            catch (DeviceCaException)
            {
                // The decision stands (audited, ingest refuses); the CRL waits for 'gateways revoke' at the CA's machine.
            }
        }
        if (services.GetService<BrokerAccessOptions>() is { } broker)
            await BrokerAccessSync.SyncAsync(broker, states, http.RequestAborted);
        var entry = await registry.GetAsync(id, http.RequestAborted);
        return Results.Json(Item(entry!), GatewayRegistryJson.Default.GatewayItem);
    }

    private static GatewayItem Item(GatewayRegistryEntry g) => new()
    {
        Id = g.GatewayId,
        LabId = g.LabId,
        Facility = g.Facility,
        State = StoreEncoding.Enum(g.State),
        StateReason = g.StateReason,
        CertificateSerial = g.CertificateSerial,
        CertificateNotAfter = g.CertificateNotAfter,
        PendingSeenAt = g.PendingSeenAt,
        Online = g.Online,
        LastStatusAt = g.LastStatusAt,
    };
}

/// <summary>Where the hub finds its device CA (<c>run --ca-dir</c>, <c>--ca-key</c>): renewal signing and the CRL.</summary>
internal sealed record DeviceCaLocation(string Directory, string? KeyPath);

/// <summary>One gateway as <c>GET /api/gateways</c> lists it.</summary>
internal sealed record GatewayItem
{
    public required string Id { get; init; }
    public required string LabId { get; init; }
    public string? Facility { get; init; }
    /// <summary><c>pending</c>, <c>enabled</c>, <c>disabled</c> or <c>revoked</c>.</summary>
    public required string State { get; init; }
    public string? StateReason { get; init; }
    public string? CertificateSerial { get; init; }
    public DateTimeOffset? CertificateNotAfter { get; init; }
    public DateTimeOffset? PendingSeenAt { get; init; }
    public bool? Online { get; init; }
    public DateTimeOffset? LastStatusAt { get; init; }
    /// <summary>The hub's desired configuration version (issue 12 §2; null: no layer applies).</summary>
    public long? DesiredConfigVersion { get; init; }
    /// <summary>The version the gateway reports in force (its retained status).</summary>
    public long? ReportedConfigVersion { get; init; }
    /// <summary>True when a desired version exists and the gateway does not report it.</summary>
    public bool? ConfigDrift { get; init; }
}

internal sealed record GatewayList(IReadOnlyList<GatewayItem> Items);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GatewayList))]
[JsonSerializable(typeof(GatewayItem))]
internal sealed partial class GatewayRegistryJson : JsonSerializerContext;
