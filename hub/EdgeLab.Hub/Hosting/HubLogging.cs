namespace EdgeLab.Hub.Hosting;

/// <summary>
/// The hub's logging set-up (issue 9: request URLs at Information carried SNILS, names, birth dates, OMS numbers and
/// <c>access_token=</c> values). ASP.NET Core's own request lines (<c>Microsoft.AspNetCore.Hosting.Diagnostics</c>
/// "Request starting … GET http://…/fhir/Patient?identifier=…") are kept to warnings; <see cref="RequestLog"/> writes
/// one line per request instead, with the route template (<c>/fhir/Patient/{id}</c>), never the path's values or
/// the query string. Nothing here logs a header, so a bearer token never reaches the log.
/// </summary>
internal static class HubLogging
{
    /// <summary>Categories that would print a request's URL (with its query) at Information or Debug.</summary>
    private static readonly string[] UrlLoggingCategories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics",
        "Microsoft.AspNetCore.HttpLogging",
        "Microsoft.AspNetCore.Http.Result",
        "System.Net.Http.HttpClient",
    ];

    public static ILoggingBuilder AddHubLogging(this ILoggingBuilder logging)
    {
        logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        logging.AddRequestLogFilters();
        // Orleans logs every option and membership step at Information (~40 lines per start); warnings and the
        // membership changes (a silo joining, suspected, declared dead) are what an operator needs.
        logging.AddFilter("Orleans", LogLevel.Warning);
        logging.AddFilter("Orleans.Runtime.MembershipService", LogLevel.Information);
        return logging;
    }

    /// <summary>The category filters alone (tests add them to an in-process host with its own sink).</summary>
    public static ILoggingBuilder AddRequestLogFilters(this ILoggingBuilder logging)
    {
        foreach (var category in UrlLoggingCategories) logging.AddFilter(category, LogLevel.Warning);
        return logging;
    }
}
