using System.Globalization;
using EdgeLab.Contract;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Api;

/// <summary>
/// Held results (DESIGN.md guarantee 5/6: never guessed, never dropped). <c>GET /api/unmatched</c> lists them (a lab
/// sees what its own gateways sent); <c>POST /api/unmatched/{id}/resolve</c> names the right specimen and/or test,
/// after which the held results become Observations.
/// </summary>
internal static class UnmatchedEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/unmatched", List);
        api.MapPost("/unmatched/{id}/resolve", Resolve);
    }

    private static async Task<IResult> List(HttpContext http, IClinicalStore store, AuditTrail audit)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, "Unmatched", "read");
        var q = http.Request.Query;
        var count = 100;
        if (q.TryGetValue("count", out var c) && (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > 500))
            throw new FhirInputException(IssueType.Value, "count must be an integer from 1 to 500.", "count");
        var includeResolved = false;
        if (q.TryGetValue("includeResolved", out var ir) && !bool.TryParse(ir, out includeResolved))
            throw new FhirInputException(IssueType.Value, "includeResolved must be true or false.", "includeResolved");
        string? gateway = null;
        if (q.TryGetValue("gateway", out var g) && !Topics.IsValidGatewayId(gateway = g.ToString()))
            throw new FhirInputException(IssueType.Value, "gateway must be a gateway id (3–64 characters of a-z, 0-9 and '-').", "gateway");
        var page = await store.ListUnmatchedAsync(caller.Scope, new UnmatchedQuery
        {
            IncludeResolved = includeResolved,
            GatewayId = gateway,
            Count = count,
            Cursor = q.TryGetValue("cursor", out var cur) ? cur.ToString() : null,
        }, http.RequestAborted);
        await audit.RecordAsync(http, caller, "search", "Unmatched", null, null, StatusCodes.Status200OK);
        var body = new UnmatchedList(page.Items.Select(ToItem).ToList(), page.NextCursor);
        return Results.Json(body, ApiJson.Wire.UnmatchedList);
    }

    private static async Task<IResult> Resolve(string id, HttpContext http, IClinicalStore store, AuditTrail audit, ILogger<UnmatchedItem> logger)
    {
        var caller = ApiCaller.From(http);
        if (!caller.Has(ApiScopes.UnmatchedWrite)) ScopeRequiredException.ThrowUnlessAllowed(caller, "Unmatched", "write");
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var unmatchedId))
            throw new FhirInputException(IssueType.Value, $"'{id}' is not an unmatched item id (a positive integer).", "id");
        var body = await ApiJson.ReadAsync(http.Request, ApiJson.Default.ResolveRequest);
        if (string.IsNullOrWhiteSpace(body.SpecimenId) && string.IsNullOrWhiteSpace(body.CatalogCode))
            throw FhirInputException.Unprocessable("Give specimenId (the right barcode) and/or catalogCode (the right test).", "specimenId");
        if (body.SpecimenId?.Any(char.IsControl) == true)
            throw FhirInputException.Unprocessable("specimenId contains a control character; give the barcode as printed.", "specimenId");
        if (body.CatalogCode?.Any(char.IsControl) == true)
            throw FhirInputException.Unprocessable("catalogCode contains a control character; give the catalog code as listed.", "catalogCode");
        UnmatchedResolutionOutcome outcome;
        try
        {
            outcome = await store.ResolveUnmatchedAsync(caller.Scope, new UnmatchedResolution
            {
                UnmatchedId = unmatchedId,
                SpecimenId = string.IsNullOrWhiteSpace(body.SpecimenId) ? null : body.SpecimenId.Trim(),
                CatalogCode = string.IsNullOrWhiteSpace(body.CatalogCode) ? null : body.CatalogCode.Trim(),
                ResolvedBy = caller.ClientId,
                AllFromSameSpecimen = body.AllFromSameSpecimen ?? true,
            }, http.RequestAborted);
        }
        catch (StoreValidationException)
        {
            await audit.RecordAsync(http, caller, "resolve", "Unmatched", id, null, StatusCodes.Status422UnprocessableEntity);
            throw;
        }
        var resultIds = outcome.ResultIds;
        // The write is about the patient whose tube the held results joined (they all belong to one specimen).
        var patientId = resultIds.Count > 0 ? (await store.GetObservationAsync(AccessScope.Region, resultIds[0], http.RequestAborted))?.PatientId : null;
        await audit.RecordAsync(http, caller, "resolve", "Unmatched", id, patientId, StatusCodes.Status200OK);
        FhirLog.UnmatchedResolved(logger, unmatchedId, caller.ClientId, resultIds.Count);
        var response = new ResolveResponse(unmatchedId, resultIds,
            resultIds.Select(r => "Observation/" + r.ToString(CultureInfo.InvariantCulture)).ToList(),
            outcome.Skipped.Select(k => new ResolveSkipped(k.UnmatchedId, k.AnalyzerCode, k.Reason)).ToList());
        return Results.Json(response, ApiJson.Wire.ResolveResponse);
    }

    private static UnmatchedItem ToItem(UnmatchedResult u) => new()
    {
        Id = u.Id,
        Reason = u.Reason switch
        {
            UnmatchedReason.UnknownSpecimen => "unknown-specimen",
            UnmatchedReason.BadCheckDigit => "bad-check-digit",
            UnmatchedReason.MissingSpecimen => "missing-specimen",
            UnmatchedReason.UnknownTestCode => "unknown-test-code",
            UnmatchedReason.SpecimenCancelled => "specimen-cancelled",
            UnmatchedReason.FutureDated => "future-dated",
            _ => u.Reason.ToString(),
        },
        GatewayId = u.GatewayId,
        LabId = u.LabId,
        InstrumentId = u.InstrumentId,
        Profile = u.Profile,
        SpecimenId = u.SpecimenId,
        AnalyzerCode = u.AnalyzerCode,
        Value = u.Value,
        Units = u.Units,
        Flags = u.Flags.NullIfEmpty(),
        ReferenceRange = u.ReferenceRange,
        Status = u.Status,
        CompletedAt = u.CompletedAt,
        ReceivedAt = u.ReceivedAt,
        ResolvedAt = u.ResolvedAt,
        ResolvedBy = u.ResolvedBy,
        ResolvedResultId = u.ResolvedResultId,
    };
}
