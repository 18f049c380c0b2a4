using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace EdgeLab.Hub.Api;

/// <summary>
/// The plain /api takes JSON only: a request that carries a body must say <c>Content-Type: application/json</c>
/// (charset, if given, UTF-8), else 415 (RFC 9110 §15.5.16). Before this, a body with no or any content type was
/// parsed as JSON anyway, so a form post or a text/plain body reached the handlers.
/// </summary>
internal sealed class JsonContentTypeFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (HasBody(request) && Problem(request.ContentType) is { } problem)
            throw new FhirInputException(IssueType.NotSupported, problem, "Content-Type", StatusCodes.Status415UnsupportedMediaType);
        return next(context);
    }

    /// <summary>A body is there when the server says so (HTTP/1.1 Content-Length or chunked, HTTP/2 and 3 an open stream).</summary>
    public static bool HasBody(HttpRequest request) =>
        request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
        ?? (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0);

    /// <summary>Why <paramref name="contentType"/> is not JSON for /api, or null when it is <c>application/json</c>.</summary>
    public static string? Problem(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
            return "The request has a body but no Content-Type; send it as application/json.";
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            return $"Content-Type '{Shorten(contentType)}' is not accepted; send the body as application/json.";
        if (media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            return $"Charset '{Shorten(media.Charset.Value ?? "")}' is not accepted; send the body as UTF-8 (RFC 8259 §8.1).";
        return null;
    }

    private static string Shorten(string text) => text.Length > 100 ? text[..100] + "…" : text;
}
