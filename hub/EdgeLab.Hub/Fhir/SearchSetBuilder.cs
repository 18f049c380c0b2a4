using EdgeLab.Hub.Fhir.Resources;
using Microsoft.AspNetCore.WebUtilities;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// Builds searchset Bundles (R4 §3.1.1.6 paging, §2.36 Bundle): entries with absolute fullUrl and search.mode
/// <c>match</c>, <c>link[self]</c> = the request with only the parameters the search applied (R4 §3.1.1.2: an ignored
/// parameter is left out of the self link), <c>link[next]</c> = the same with the opaque cursor of the next page. <c>total</c> is given only when exact (a single page holds everything); otherwise it is omitted, which R4
/// allows (Bundle.total 0..1).
/// </summary>
internal static class SearchSetBuilder
{
    public static string BaseUrl(HttpRequest request) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}/fhir";

    public static Bundle Build(HttpRequest request, IReadOnlyList<string> applied, IReadOnlyList<Resource> resources, string? nextCursor, bool firstPage)
    {
        var baseUrl = BaseUrl(request);
        var links = new List<BundleLink> { new() { Relation = "self", Url = Link(request, applied, null) } };
        if (nextCursor is not null)
            links.Add(new BundleLink { Relation = "next", Url = Link(request, applied, nextCursor) });
        return new Bundle
        {
            Id = Guid.NewGuid().ToString("n"),
            Meta = new Meta { LastUpdated = FhirDates.Instant(DateTimeOffset.UtcNow) },
            Type = "searchset",
            Total = nextCursor is null && firstPage ? resources.Count : null,
            Link = links,
            Entry = resources.Select(r => new BundleEntry
            {
                FullUrl = $"{baseUrl}/{r.ResourceType}/{r.Id}",
                Resource = r,
                Search = new BundleEntrySearch { Mode = "match" },
            }).NullIfEmpty(),
        };
    }

    /// <summary>The request URL with the applied parameters only; with <paramref name="cursor"/>, that cursor replaces the request's.</summary>
    private static string Link(HttpRequest request, IReadOnlyList<string> applied, string? cursor)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        foreach (var key in applied)
        {
            if (cursor is not null && key == Search.SearchRequest.CursorParameter) continue;
            foreach (var value in request.Query[key]) pairs.Add(new(key, value));
        }
        if (cursor is not null) pairs.Add(new(Search.SearchRequest.CursorParameter, cursor));
        var path = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}";
        return QueryHelpers.AddQueryString(path, pairs);
    }
}
