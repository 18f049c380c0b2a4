using EdgeLab.Hub.Fhir.Resources;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// Builds searchset Bundles (R4 §3.1.1.6 paging, §2.36 Bundle): entries with absolute fullUrl and search.mode
/// <c>match</c>, <c>link[self]</c> = the request, <c>link[next]</c> = the request with the opaque cursor of the next
/// page. <c>total</c> is given only when exact (a single page holds everything); otherwise it is omitted, which R4
/// allows (Bundle.total 0..1).
/// </summary>
internal static class SearchSetBuilder
{
    public static string BaseUrl(HttpRequest request) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}/fhir";

    public static Bundle Build(HttpRequest request, IReadOnlyList<Resource> resources, string? nextCursor, bool firstPage)
    {
        var baseUrl = BaseUrl(request);
        var links = new List<BundleLink> { new() { Relation = "self", Url = request.GetDisplayUrl() } };
        if (nextCursor is not null)
            links.Add(new BundleLink { Relation = "next", Url = WithCursor(request, nextCursor) });
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

    private static string WithCursor(HttpRequest request, string cursor)
    {
        var query = QueryHelpers.ParseQuery(request.QueryString.Value);
        query.Remove(Search.SearchRequest.CursorParameter);
        var pairs = query.SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v))).ToList();
        pairs.Add(new KeyValuePair<string, string?>(Search.SearchRequest.CursorParameter, cursor));
        var path = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}";
        return QueryHelpers.AddQueryString(path, pairs);
    }
}
