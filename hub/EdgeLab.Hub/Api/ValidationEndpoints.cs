using System.Globalization;
using System.Text;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Mapping;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Api;

/// <summary>
/// The lab doctor's validation worklist (issue 13): results the autoverification rules held, grouped by referral with
/// the patient's history of each test and the delta; release, rerun or reject (with a reason), each audited with who
/// and when. Scope <c>results.validate</c>; a lab sees the results it produced.
/// </summary>
internal static class ValidationEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/validation/worklist", Worklist);
        api.MapPost("/validation/results/{id}/release", (string id, HttpContext http, IValidationStore store, AuditTrail audit) => Decide(id, ValidationAction.Release, http, store, audit));
        api.MapPost("/validation/results/{id}/rerun", (string id, HttpContext http, IValidationStore store, AuditTrail audit) => Decide(id, ValidationAction.Rerun, http, store, audit));
        api.MapPost("/validation/results/{id}/reject", (string id, HttpContext http, IValidationStore store, AuditTrail audit) => Decide(id, ValidationAction.Reject, http, store, audit));
    }

    private static async Task<IResult> Worklist(HttpContext http, IValidationStore store, AuditTrail audit)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessHas(caller, ApiScopes.ResultsValidate);
        var count = 200;
        if (http.Request.Query.TryGetValue("count", out var c) && (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > 1000))
            throw new FhirInputException(IssueType.Value, "count must be an integer from 1 to 1000.", "count");
        HoldReason? hold = null;
        if (http.Request.Query.TryGetValue("hold", out var h) && h.ToString() is { Length: > 0 } holdText)
            // As the worklist writes them (outside-reference-range); the enum's own spelling is taken too.
            hold = Enum.GetValues<HoldReason>().Cast<HoldReason?>().FirstOrDefault(r => Kebab(r!.Value.ToString()) == holdText || r!.Value.ToString().Equals(holdText, StringComparison.OrdinalIgnoreCase))
                ?? throw new FhirInputException(IssueType.Value, $"hold must be one of {string.Join(", ", Enum.GetNames<HoldReason>().Select(Kebab))}; got '{holdText}'.", "hold");
        var text = http.Request.Query["q"].ToString();
        if (text.Length > 100) throw new FhirInputException(IssueType.Value, "q must be at most 100 characters.", "q");
        var referrals = await store.ListWorklistAsync(caller.Scope, count, new WorklistFilter { Hold = hold, Text = text }, http.RequestAborted);
        await audit.RecordAsync(http, caller, "search", "ValidationWorklist", null, null, StatusCodes.Status200OK);
        var body = new WorklistResponse(referrals.Select(r => new WorklistReferralItem(r.ReferralId, r.PatientId, r.OrderingOrganizationId, r.PractitionerName,
            r.Results.Select(ToItem).ToList())).ToList());
        return Results.Json(body, ApiJson.Wire.WorklistResponse);
    }

    private static async Task<IResult> Decide(string id, ValidationAction action, HttpContext http, IValidationStore store, AuditTrail audit)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessHas(caller, ApiScopes.ResultsValidate);
        var verb = Kebab(action.ToString());
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var resultId))
            throw new FhirInputException(IssueType.Value, $"'{id}' is not a result id (the Observation id, a positive integer).", "id");
        var body = http.Request.ContentLength is 0 || (http.Request.ContentLength is null && http.Request.ContentType is null)
            ? new DecisionRequest()
            : await ApiJson.ReadAsync(http.Request, ApiJson.Default.DecisionRequest);
        if (FreeText.Problem(body.Reason, 1000) is { } problem) throw FhirInputException.Unprocessable("reason " + problem, "reason");
        (DecisionOutcome Outcome, LabResult? Result) outcome;
        try
        {
            outcome = await store.DecideAsync(caller.Scope, resultId, action, caller.ClientId, body.Reason, http.RequestAborted);
        }
        catch (StoreValidationException)
        {
            await audit.RecordAsync(http, caller, verb, "Observation", id, null, StatusCodes.Status422UnprocessableEntity);
            throw;
        }
        var (status, answer) = outcome.Outcome switch
        {
            DecisionOutcome.NotFound => (StatusCodes.Status404NotFound, (IResult)FhirResult.NotFound("Observation", id)),
            DecisionOutcome.NotHeld => (StatusCodes.Status409Conflict, FhirResult.Outcome(StatusCodes.Status409Conflict, IssueType.Conflict,
                $"Observation/{id} is not waiting for validation (it is {Kebab(outcome.Result!.Validation.ToString())}); only held results can be released, rerun or rejected.")),
            DecisionOutcome.Superseded => (StatusCodes.Status409Conflict, FhirResult.Outcome(StatusCodes.Status409Conflict, IssueType.Conflict,
                $"Observation/{id} was replaced by a newer result for the same tube and test; decide on the current one (see the worklist).")),
            _ => (StatusCodes.Status200OK, (IResult?)null),
        };
        await audit.RecordAsync(http, caller, verb, "Observation", id, outcome.Result?.PatientId, status);
        if (answer is not null) return answer;
        var decision = await store.GetDecisionAsync(resultId, http.RequestAborted);
        return Results.Json(new DecisionResponse(resultId, Kebab(outcome.Result!.Validation.ToString()), ObservationMapper.Status(outcome.Result),
            decision!.DecidedBy, decision.DecidedAt, decision.Reason), ApiJson.Wire.DecisionResponse);
    }

    private static WorklistResultItem ToItem(WorklistEntry e) => new()
    {
        Id = e.Result.Id,
        SpecimenId = e.Result.SpecimenId,
        CatalogCode = e.Result.CatalogCode,
        Value = e.Result.Value,
        Numeric = e.Result.Numeric,
        Unit = e.Result.Unit,
        Interpretation = e.Result.Interpretation,
        ReferenceLow = e.Result.ReferenceLow,
        ReferenceHigh = e.Result.ReferenceHigh,
        ReferenceText = e.Result.ReferenceText,
        Flags = e.Result.AnalyzerFlags.Count == 0 ? null : e.Result.AnalyzerFlags,
        HoldReasons = e.Result.HoldReasons.Select(r => Kebab(r.ToString())).ToList(),
        EffectiveAt = e.Result.EffectiveAt,
        InstrumentId = e.Result.InstrumentId,
        Previous = e.Previous.Select(p => new PreviousResultItem(p.Id, p.Value, p.Numeric, p.Unit, p.Interpretation, p.EffectiveAt, Kebab(p.Validation.ToString()))).ToList(),
        Delta = e.Delta,
        DeltaPercent = e.DeltaPercent,
    };

    /// <summary><c>OutsideReferenceRange</c> → <c>outside-reference-range</c> (the API's spelling of enum values).</summary>
    public static string Kebab(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0) sb.Append('-');
            sb.Append(char.ToLowerInvariant(pascal[i]));
        }
        return sb.ToString();
    }
}
