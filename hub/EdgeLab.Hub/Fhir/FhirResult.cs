using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir;

/// <summary>An <see cref="IResult"/> writing one resource as <c>application/fhir+json; charset=utf-8</c> (R4 §3.1.0.1.6).</summary>
internal sealed class FhirResult : IResult, IStatusCodeHttpResult
{
    private readonly Resource _resource;
    private readonly string? _location;

    public FhirResult(Resource resource, int statusCode = StatusCodes.Status200OK, string? location = null)
    {
        _resource = resource;
        StatusCode = statusCode;
        _location = location;
    }

    public int? StatusCode { get; }

    public Resource Resource => _resource;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode ?? StatusCodes.Status200OK;
        response.ContentType = FhirJson.MediaType + "; charset=utf-8";
        if (_location is not null) response.Headers.Location = _location;
        if (_resource.Meta?.VersionId is { } version) response.Headers.ETag = $"W/\"{version}\"";
        if (_resource.Meta?.LastUpdated is { } lastUpdated && DateTimeOffset.TryParse(lastUpdated, out var at))
            response.Headers.LastModified = at.ToString("R");
        var body = FhirJson.Serialize(_resource);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }

    public static FhirResult Outcome(int status, string issueType, string diagnostics, string? expression = null) =>
        new(OperationOutcome.Error(issueType, diagnostics, expression), status);

    public static FhirResult NotFound(string resourceType, string id) =>
        Outcome(StatusCodes.Status404NotFound, IssueType.NotFound, $"{resourceType}/{id} is not known.");
}
