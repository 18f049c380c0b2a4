using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Store;
using Microsoft.AspNetCore.Mvc;

namespace EdgeLab.Hub.Api;

/// <summary>
/// A clinician releases a sensitive test (catalog <c>sensitive: true</c>: HIV, some PCR, genetics) of a referral to the
/// patient's cabinet (issue 14, as Epic MyChart's release of sensitive results after the talk with the patient):
/// <c>POST /api/cabinet/referrals/{referralId}/tests/{code}/release</c>, scope <c>cabinet.release</c>, for referrals the
/// organization sees (it ordered them or performs them). Idempotent: a second release answers 200 with the first kept.
/// No patient data in the path: the referral id and a catalog code.
/// </summary>
internal static class CabinetReleaseEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/cabinet/referrals/{referralId}/tests/{code}/release", ReleaseAsync);

    private static async Task<IResult> ReleaseAsync(string referralId, string code, HttpContext http, [FromServices] IClinicalStore clinical,
        [FromServices] ICabinetStore cabinet, [FromServices] ITestCatalog catalog, [FromServices] AuditTrail audit, [FromServices] TimeProvider time)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessHas(caller, ApiScopes.CabinetRelease);
        var referral = ResourceIds.IsValid(referralId) ? await clinical.GetReferralAsync(caller.Scope, referralId, http.RequestAborted) : null;
        if (referral is null)
        {
            await audit.RecordAsync(http, caller, "release-to-patient", "ServiceRequest", referralId.Length > 64 ? referralId[..64] : referralId, null, StatusCodes.Status404NotFound);
            return FhirResult.NotFound("ServiceRequest", referralId);
        }
        var test = catalog.Find(code);
        string? problem = test is null ? $"'{code}' is not a catalog test code."
            : !referral.TestCodes.Contains(test.Code, StringComparer.Ordinal) ? $"Referral {referral.Id} does not order test {test.Code}."
            : !test.Sensitive ? $"Test {test.Code} is not marked sensitive in the catalog: the cabinet shows it once the lab releases it, no clinician release is needed."
            : null;
        if (problem is not null)
        {
            await audit.RecordAsync(http, caller, "release-to-patient", "ServiceRequest", referral.Id, referral.PatientId, StatusCodes.Status422UnprocessableEntity);
            throw FhirInputException.Unprocessable(problem, "code");
        }
        var first = await cabinet.ReleaseToPatientAsync(referral.Id, test!.Code, caller.ClientId, caller.OrganizationId, time.GetUtcNow(), http.RequestAborted);
        await audit.RecordAsync(http, caller, "release-to-patient", "ServiceRequest", referral.Id, referral.PatientId, StatusCodes.Status200OK);
        return Results.Json(new CabinetReleaseResponse(referral.Id, test.Code, first), ApiJson.Wire.CabinetReleaseResponse);
    }
}

/// <summary>The answer to a release: <paramref name="Released"/> is false when it had been released already.</summary>
internal sealed record CabinetReleaseResponse(string ReferralId, string Code, bool Released);
