using System.Diagnostics;
using Microsoft.AspNetCore.Routing;

namespace EdgeLab.Hub.Hosting;

/// <summary>
/// One Information line per HTTP request: method, route template, status, time. The template
/// (<c>GET /fhir/Patient/{id} → 404</c>) says which interaction ran without the ids or search values a path or
/// query carries (a SNILS in <c>identifier=</c>, a name in <c>family=</c>, a token in <c>access_token=</c>);
/// a request that matched no route is logged as <c>(no route)</c> rather than its path (see <see cref="HubLogging"/>).
/// </summary>
internal sealed partial class RequestLog(RequestDelegate next, ILogger<RequestLog> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
                var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Served(logger, context.Request.Method, route, context.Response.StatusCode, elapsedMs);
            }
        }
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "HTTP {Method} {Route} → {StatusCode} in {ElapsedMs:0.0} ms")]
    private static partial void Served(ILogger logger, string method, string route, int statusCode, double elapsedMs);
}
