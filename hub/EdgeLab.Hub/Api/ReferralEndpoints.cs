using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Api;

/// <summary>
/// <c>POST /api/referrals</c>: registers a referral from the plain JSON form and answers 201 with the referral id and
/// the issued specimen barcodes (200 when the same external id was registered before); 202 with an OperationOutcome
/// when the patient's identifier belongs to a registered patient with other demographics (held for identity review,
/// see <see cref="IdentityConflictEndpoints"/>). Field problems answer 422
/// with one OperationOutcome issue per field, its <c>expression</c> naming the field (e.g. <c>patient.snils</c>).
/// </summary>
internal static class ReferralEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/referrals", Register);
    }

    private static async Task<IResult> Register(HttpContext http, IReferralService referrals, AuditTrail audit, ILogger<ReferralForm> logger)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, "ServiceRequest", "write");
        var form = await ApiJson.ReadAsync(http.Request, ApiJson.Default.ReferralForm);
        if (form.OrderingOrganization is { Length: > 0 } org && org != caller.OrganizationId)
            throw new FhirInputException(IssueType.Forbidden,
                $"orderingOrganization '{org}' is not the client's organization '{caller.OrganizationId}'; a client registers referrals only for its own organization.",
                "orderingOrganization", StatusCodes.Status403Forbidden);

        var request = ToRequest(form);
        var result = await referrals.RegisterAsync(caller.OrganizationId, request, http.RequestAborted);
        if (result.Held is { } held)
        {
            await audit.RecordAsync(http, caller, "hold", "IdentityConflict", held.ConflictId.ToString(System.Globalization.CultureInfo.InvariantCulture), null, StatusCodes.Status202Accepted);
            IdentityLog.Held(logger, held.ConflictId, caller.ClientId);
            return IdentityConflictEndpoints.HeldOutcome(held);
        }
        if (!result.Succeeded)
        {
            await audit.RecordAsync(http, caller, "create", "Referral", null, null, StatusCodes.Status422UnprocessableEntity);
            return ValidationOutcome(result.Errors, FormField);
        }

        var registered = result.Registered!;
        var status = registered.AlreadyExisted ? StatusCodes.Status200OK : StatusCodes.Status201Created;
        await audit.RecordAsync(http, caller, "create", "Referral", registered.Referral.Id, registered.Patient.Id, status);
        FhirLog.ReferralRegistered(logger, registered.Referral.Id, caller.ClientId, registered.Specimens.Count);
        var receipt = Receipt(http.Request, registered);
        return Results.Json(receipt, ApiJson.Wire.ReferralReceipt, statusCode: status);
    }

    /// <summary>Translates the form; missing or malformed fields become 422 issues naming the field.</summary>
    private static ReferralRequest ToRequest(ReferralForm form)
    {
        var errors = new List<ValidationError>();
        var p = form.Patient;
        if (p is null) errors.Add(new ValidationError("patient", "patient is required: {snils, oms, family, given, middle, sex, birthDate}."));
        Require(p?.Family, "patient.family", errors);
        Require(p?.Given, "patient.given", errors);
        Require(p?.Sex, "patient.sex", errors);
        DateOnly birthDate = default;
        if (p is not null && Require(p.BirthDate, "patient.birthDate", errors) && !FhirDates.TryParseDate(p.BirthDate, out birthDate))
            errors.Add(new ValidationError("patient.birthDate", $"'{p.BirthDate}' is not a date; use YYYY-MM-DD."));
        Require(form.Practitioner, "practitioner", errors);
        Require(form.PerformingLab, "performingLab", errors);
        if (form.Tests is not { Count: > 0 } || form.Tests.Any(string.IsNullOrWhiteSpace))
            errors.Add(new ValidationError("tests", "tests must list at least one catalog code, with no empty entries."));
        if (errors.Count > 0) throw new ReferralValidationException(errors);

        return new ReferralRequest
        {
            Patient = new PatientInput
            {
                Snils = p!.Snils,
                OmsPolicy = p.Oms,
                FamilyName = p.Family!,
                GivenName = p.Given!,
                MiddleName = p.Middle,
                Sex = p.Sex!,
                BirthDate = birthDate,
            },
            PractitionerName = form.Practitioner!,
            PractitionerId = form.PractitionerId,
            PerformingLabId = form.PerformingLab!,
            Tests = form.Tests!,
            Priority = form.Priority,
            ExternalId = form.ExternalId,
            CollectedAt = form.CollectedAt,
        };
    }

    /// <summary>The referral service's field names → this form's names, so the issue points at what the EMR sent.</summary>
    public static string FormField(string field) => field switch
    {
        "patient.omsPolicy" => "patient.oms",
        "patient.familyName" => "patient.family",
        "patient.givenName" => "patient.given",
        "patient.middleName" => "patient.middle",
        "practitionerName" => "practitioner",
        "performingLabId" => "performingLab",
        _ => field,
    };

    private static bool Require(string? value, string field, List<ValidationError> errors)
    {
        if (!string.IsNullOrWhiteSpace(value)) return true;
        errors.Add(new ValidationError(field, $"{field} is required."));
        return false;
    }

    public static ReferralReceipt Receipt(HttpRequest request, RegisteredReferral registered)
    {
        var root = $"{request.Scheme}://{request.Host}{request.PathBase}";
        return new ReferralReceipt
        {
            ReferralId = registered.Referral.Id,
            PatientId = registered.Patient.Id,
            Status = Fhir.Mapping.ServiceRequestMapper.Status(registered.Referral.Status),
            AlreadyExisted = registered.AlreadyExisted,
            Specimens = registered.Specimens.Select(s => new SpecimenReceipt
            {
                Barcode = s.Id,
                Type = s.Type,
                Tests = s.TestCodes,
                LabelZpl = $"{root}/api/specimens/{s.Id}/label.zpl",
                LabelPdf = $"{root}/api/specimens/{s.Id}/label.pdf",
                Fhir = $"{root}/fhir/Specimen/{s.Id}",
            }).ToList(),
        };
    }

    /// <summary>422 with one issue per field (R4 OperationOutcome.issue.expression names the element).</summary>
    public static IResult ValidationOutcome(IReadOnlyList<ValidationError> errors, Func<string, string> expression) =>
        new FhirResult(new OperationOutcome
        {
            Issue = errors.Select(e => new OperationOutcomeIssue
            {
                Severity = "error",
                Code = IssueType.Value,
                Diagnostics = $"{expression(e.Field)}: {e.Message}",
                Expression = [expression(e.Field)],
            }).ToList(),
        }, StatusCodes.Status422UnprocessableEntity);
}

/// <summary>Field problems found before the referral service is called (→ 422, one issue per field).</summary>
internal sealed class ReferralValidationException(IReadOnlyList<ValidationError> errors)
    : Exception(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")))
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}
