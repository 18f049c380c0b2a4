using System.Globalization;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Api;

/// <summary>
/// The patient-identity queue (issue 9, "Patient identity"). A referral whose SNILS / OMS policy matched a registered
/// patient with other demographics was not registered; the organization that sent it sees it here and decides:
/// <c>same-person</c> (attach it to the registered patient, optionally correcting that record's demographics),
/// <c>different-person</c> (a new patient record; the shared identifier stays noted on the item) or <c>reject</c>.
/// <c>GET /api/identity-conflicts</c>, <c>GET …/{id}</c>, <c>POST …/{id}/resolve</c>; every call is audited.
/// </summary>
internal static class IdentityConflictEndpoints
{
    public const string Path = "/api/identity-conflicts";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/identity-conflicts", List);
        api.MapGet("/identity-conflicts/{id}", Get);
        api.MapPost("/identity-conflicts/{id}/resolve", Resolve);
    }

    /// <summary>
    /// The answer to a registration that was held: 202 Accepted (nothing registered yet, a person will decide) with an
    /// OperationOutcome saying so and where the item is (also in <c>Location</c>). Nothing of the other patient.
    /// </summary>
    public static IResult HeldOutcome(IdentityHold held)
    {
        var id = held.ConflictId.ToString(CultureInfo.InvariantCulture);
        var outcome = new OperationOutcome
        {
            Issue =
            [
                new OperationOutcomeIssue
                {
                    Severity = "warning",
                    Code = IssueType.Conflict,
                    Details = new CodeableConcept { Text = $"held-for-identity-review {id}" },
                    Diagnostics = $"The referral is held for patient identity review as item {id}: its SNILS or OMS policy number belongs to a registered " +
                        "patient whose name or birth date differ. Nothing was registered, no specimen barcodes were issued and no order went to the lab. " +
                        $"Check the patient's documents, then decide with POST {Path}/{id}/resolve (same-person, different-person or reject), or correct and send it again.",
                    Expression = ["patient"],
                },
            ],
        };
        return new FhirResult(outcome, StatusCodes.Status202Accepted, $"{Path}/{id}");
    }

    private static async Task<IResult> List(HttpContext http, IIdentityConflictStore store, AuditTrail audit)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, "ServiceRequest", "read");
        var q = http.Request.Query;
        var count = 100;
        if (q.TryGetValue("count", out var c) && (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > 500))
            throw new FhirInputException(IssueType.Value, "count must be an integer from 1 to 500.", "count");
        var includeResolved = false;
        if (q.TryGetValue("includeResolved", out var ir) && !bool.TryParse(ir, out includeResolved))
            throw new FhirInputException(IssueType.Value, "includeResolved must be true or false.", "includeResolved");
        var page = await store.ListIdentityConflictsAsync(caller.Scope, includeResolved, count, q.TryGetValue("cursor", out var cur) ? cur.ToString() : null, http.RequestAborted);
        await audit.RecordAsync(http, caller, "search", "IdentityConflict", null, null, StatusCodes.Status200OK);
        return Results.Json(new IdentityConflictList(page.Items.Select(i => ToItem(http.Request, i, null)).ToList(), page.NextCursor), ApiJson.Wire.IdentityConflictList);
    }

    private static async Task<IResult> Get(string id, HttpContext http, IIdentityConflictStore store, IClinicalStore clinical, AuditTrail audit)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, "ServiceRequest", "read");
        var item = TryParseId(id, out var conflictId) ? await store.GetIdentityConflictAsync(caller.Scope, conflictId, http.RequestAborted) : null;
        await audit.RecordAsync(http, caller, "read", "IdentityConflict", id, item?.PatientId, item is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
        if (item is null) return NotFound(id);
        RegisteredReferral? registered = null;
        if (item.ReferralId is { } rid && await clinical.GetReferralAsync(caller.Scope, rid, http.RequestAborted) is { } referral)
        {
            var specimens = await clinical.SearchSpecimensAsync(caller.Scope, new SpecimenQuery { ReferralId = rid, Count = 100 }, http.RequestAborted);
            registered = new RegisteredReferral(item.SubmittedPatient with { Id = referral.PatientId }, referral, specimens.Items.OrderBy(s => s.Id, StringComparer.Ordinal).ToList(), AlreadyExisted: true);
        }
        return Results.Json(ToItem(http.Request, item, registered), ApiJson.Wire.IdentityConflictItem);
    }

    private static async Task<IResult> Resolve(string id, HttpContext http, IIdentityConflictStore store, IOrderOutboxSignal orders, AuditTrail audit, ILogger<IdentityConflictItem> logger)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, "ServiceRequest", "write");
        if (!TryParseId(id, out var conflictId))
        {
            await audit.RecordAsync(http, caller, "resolve", "IdentityConflict", id, null, StatusCodes.Status404NotFound);
            return NotFound(id);
        }
        var body = await ApiJson.ReadAsync(http.Request, ApiJson.Default.IdentityResolveRequest);
        var resolution = ToResolution(conflictId, body, caller.ClientId);
        ResolvedIdentityConflict? resolved;
        try
        {
            resolved = await store.ResolveIdentityConflictAsync(caller.Scope, resolution, http.RequestAborted);
        }
        catch (StoreValidationException)
        {
            await audit.RecordAsync(http, caller, "resolve", "IdentityConflict", id, null, StatusCodes.Status422UnprocessableEntity);
            throw;
        }
        if (resolved is null)
        {
            await audit.RecordAsync(http, caller, "resolve", "IdentityConflict", id, null, StatusCodes.Status404NotFound);
            return NotFound(id);
        }
        await audit.RecordAsync(http, caller, "resolve", "IdentityConflict", id, resolved.Registered?.Patient.Id, StatusCodes.Status200OK);
        if (resolved.Registered is not null) orders.Wake();
        var decision = Status(resolved.Conflict.Status);
        IdentityLog.Resolved(logger, conflictId, caller.ClientId, decision);
        return Results.Json(ToItem(http.Request, resolved.Conflict, resolved.Registered), ApiJson.Wire.IdentityConflictItem);
    }

    private static IdentityResolution ToResolution(long conflictId, IdentityResolveRequest body, string clientId)
    {
        var decision = body.Decision?.Trim().ToLowerInvariant() switch
        {
            "same-person" => IdentityDecision.SamePerson,
            "different-person" => IdentityDecision.DifferentPerson,
            "reject" => IdentityDecision.Reject,
            _ => throw FhirInputException.Unprocessable($"decision '{body.Decision}' is not one of same-person, different-person, reject.", "decision"),
        };
        if (body.Note is { } note && (note.Length > 500 || note.Any(char.IsControl)))
            throw FhirInputException.Unprocessable("note must be at most 500 characters without control characters.", "note");
        DemographicsCorrection? correction = null;
        if (body.Correct is { } c)
        {
            if (decision != IdentityDecision.SamePerson)
                throw FhirInputException.Unprocessable("correct goes with the decision same-person only.", "correct");
            if (c.Snils is not null || c.Oms is not null || c.Sex is not null)
                throw FhirInputException.Unprocessable("correct takes family, given, middle and birthDate; identifiers and sex are not corrected here.", "correct");
            DateOnly? birthDate = null;
            if (c.BirthDate is not null)
            {
                if (!FhirDates.TryParseDate(c.BirthDate, out var bd)) throw FhirInputException.Unprocessable($"'{c.BirthDate}' is not a date; use YYYY-MM-DD.", "correct.birthDate");
                birthDate = bd;
            }
            CheckName(c.Family, "correct.family");
            CheckName(c.Given, "correct.given");
            CheckName(c.Middle, "correct.middle");
            correction = new DemographicsCorrection { FamilyName = c.Family, GivenName = c.Given, MiddleName = c.Middle, BirthDate = birthDate };
        }
        return new IdentityResolution { ConflictId = conflictId, Decision = decision, Correction = correction, Note = body.Note, ResolvedBy = clientId };
    }

    private static void CheckName(string? value, string field)
    {
        if (value is null) return;
        if (string.IsNullOrWhiteSpace(value) || value.Length > ReferralValidator.MaxNameLength || value.Any(char.IsControl))
            throw FhirInputException.Unprocessable($"{field} must be 1–{ReferralValidator.MaxNameLength} characters without control characters.", field);
    }

    private static IdentityConflictItem ToItem(HttpRequest request, IdentityConflict c, RegisteredReferral? registered) => new()
    {
        Id = c.Id,
        Status = Status(c.Status),
        MatchedIdentifier = c.IdentifierKind,
        Reason = $"the {(c.IdentifierKind == "snils" ? "SNILS" : "OMS policy number")} belongs to a registered patient whose name or birth date differ",
        OrderingOrganization = c.OrderingOrganizationId,
        PerformingLab = c.PerformingLabId,
        ExternalId = c.ExternalId,
        Patient = new ReferralFormPatient
        {
            Snils = c.SubmittedPatient.Snils,
            Oms = c.SubmittedPatient.OmsPolicy,
            Family = c.SubmittedPatient.FamilyName,
            Given = c.SubmittedPatient.GivenName,
            Middle = c.SubmittedPatient.MiddleName,
            Sex = Store.StoreEncoding.Sex(c.SubmittedPatient.Sex),
            BirthDate = FhirDates.Date(c.SubmittedPatient.BirthDate),
        },
        Tests = c.SubmittedReferral.TestCodes,
        Created = c.Created,
        ResolvedAt = c.ResolvedAt,
        ResolvedBy = c.ResolvedBy,
        Note = c.ResolutionNote,
        ReferralId = c.ReferralId,
        Receipt = registered is null ? null : ReferralEndpoints.Receipt(request, registered) with { AlreadyExisted = false },
    };

    private static string Status(IdentityConflictStatus status) => status switch
    {
        IdentityConflictStatus.Open => "open",
        IdentityConflictStatus.SamePerson => "same-person",
        IdentityConflictStatus.DifferentPerson => "different-person",
        _ => "rejected",
    };

    private static bool TryParseId(string id, out long conflictId) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out conflictId) && conflictId > 0;

    private static FhirResult NotFound(string id) =>
        FhirResult.Outcome(StatusCodes.Status404NotFound, IssueType.NotFound, $"identity conflict '{id}' is not known (or was sent by another organization).");
}

/// <summary>Identity queue logging: ids and decisions, never patient data.</summary>
internal static partial class IdentityLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Identity conflict {ConflictId} resolved by client {ClientId}: {Decision}")]
    public static partial void Resolved(ILogger logger, long conflictId, string clientId, string decision);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Referral held for identity review as item {ConflictId} (client {ClientId})")]
    public static partial void Held(ILogger logger, long conflictId, string clientId);
}
