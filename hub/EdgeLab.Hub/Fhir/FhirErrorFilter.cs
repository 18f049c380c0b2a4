using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// Endpoint filter for /fhir and /api: every refusal becomes an OperationOutcome with the right status
/// (R4 §3.1.0.4: 400 invalid, 401/403 security, 404 unknown, 422 business rule). An unexpected failure is logged
/// (no patient data) and answered 500 with a generic OperationOutcome, never a stack trace.
/// </summary>
internal sealed class FhirErrorFilter(ILogger<FhirErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (FhirInputException e)
        {
            return new FhirResult(e.ToOutcome(), e.Status);
        }
        catch (Api.ReferralValidationException e)
        {
            return Api.ReferralEndpoints.ValidationOutcome(e.Errors, field => field);
        }
        catch (ScopeRequiredException e)
        {
            if (ApiCaller.TryFrom(context.HttpContext.User) is { } caller)
                AuthLog.ScopeMissing(logger, caller.ClientId, e.Access, e.ResourceType);
            return FhirResult.Outcome(StatusCodes.Status403Forbidden, IssueType.Forbidden, e.Message);
        }
        catch (StoreValidationException e)
        {
            return FhirResult.Outcome(StatusCodes.Status422UnprocessableEntity, IssueType.BusinessRule, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            return FhirResult.Outcome(e.StatusCode, IssueType.Invalid, e.Message);
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception e)
        {
            FhirLog.Unhandled(logger, e, context.HttpContext.Request.Method, context.HttpContext.GetEndpoint()?.DisplayName ?? "?");
            return FhirResult.Outcome(StatusCodes.Status500InternalServerError, IssueType.Exception,
                "The server failed to process the request; the failure is logged. Try again, or report the time of the call.");
        }
    }
}
