using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Store;
using Microsoft.AspNetCore.Mvc;

namespace EdgeLab.Hub.Api;

/// <summary>
/// <c>GET /api/provenance-violations</c>: result messages held because their sender was not entitled to write them
/// (DESIGN.md guarantee 7). The region sees all; a lab sees those naming a specimen it performs. Read with the
/// <c>Unmatched</c> read scope: both are held items a lab resolves by asking who sent what.
/// </summary>
internal static class ProvenanceEndpoints
{
    public static void Map(RouteGroupBuilder api) => api.MapGet("/provenance-violations", List);

    private static async Task<IResult> List(HttpContext http, [FromServices] IProvenanceStore store, [FromServices] AuditTrail audit)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, "Unmatched", "read");
        var q = http.Request.Query;
        var count = 100;
        if (q.TryGetValue("count", out var c) && (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > 500))
            throw new FhirInputException(IssueType.Value, "count must be an integer from 1 to 500.", "count");
        Page<ProvenanceViolation> page;
        try
        {
            page = await store.ListProvenanceViolationsAsync(caller.Scope, count, q.TryGetValue("cursor", out var cur) ? cur.ToString() : null, http.RequestAborted);
        }
        catch (StoreValidationException e)
        {
            throw new FhirInputException(IssueType.Value, e.Message, "cursor");
        }
        await audit.RecordAsync(http, caller, "search", "ProvenanceViolation", null, null, StatusCodes.Status200OK);
        var body = new ProvenanceViolationList(page.Items.Select(v => new ProvenanceViolationItem
        {
            Id = v.Id,
            Reason = v.Reason switch
            {
                ProvenanceReason.UnregisteredGateway => "unregistered-gateway",
                ProvenanceReason.GatewayDisabled => "gateway-disabled",
                ProvenanceReason.GatewayRevoked => "gateway-revoked",
                ProvenanceReason.GatewayPending => "gateway-pending",
                ProvenanceReason.ForeignSpecimen => "foreign-specimen",
                _ => v.Reason.ToString(),
            },
            Detail = v.Detail,
            GatewayId = v.GatewayId,
            GatewayLabId = v.GatewayLabId,
            MessageId = v.MessageId,
            SpecimenId = v.SpecimenId,
            SpecimenLabId = v.SpecimenLabId,
            Payload = Encoding.UTF8.GetString(v.Payload),
            ReceivedAt = v.ReceivedAt,
        }).ToList(), page.NextCursor);
        return Results.Json(body, ProvenanceJson.Default.ProvenanceViolationList);
    }
}

/// <summary>One held result message as <c>GET /api/provenance-violations</c> lists it.</summary>
internal sealed record ProvenanceViolationItem
{
    public required long Id { get; init; }
    /// <summary><c>unregistered-gateway</c>, <c>gateway-disabled</c>, <c>gateway-revoked</c>, <c>gateway-pending</c>, <c>foreign-specimen</c>.</summary>
    public required string Reason { get; init; }
    public required string Detail { get; init; }
    public required string GatewayId { get; init; }
    public string? GatewayLabId { get; init; }
    public required string MessageId { get; init; }
    public string? SpecimenId { get; init; }
    public string? SpecimenLabId { get; init; }
    /// <summary>The message as received (the uplink JSON).</summary>
    public required string Payload { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
}

internal sealed record ProvenanceViolationList(IReadOnlyList<ProvenanceViolationItem> Items, string? Next);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProvenanceViolationList))]
internal sealed partial class ProvenanceJson : JsonSerializerContext;
