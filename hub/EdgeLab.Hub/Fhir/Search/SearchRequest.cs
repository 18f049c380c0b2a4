using System.Globalization;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Resources;
using Microsoft.Extensions.Primitives;

namespace EdgeLab.Hub.Fhir.Search;

/// <summary>
/// The query string of a FHIR search (R4 §3.1.1), checked against the parameters a resource type supports.
/// <list type="bullet">
/// <item>A modifier (<c>code:not</c>, <c>code:text</c>, <c>identifier:of-type</c>, any other) is refused with 400: none is
/// implemented, and ignoring one returns everything the caller may see instead of what it asked for (R4 §3.1.1.5.x
/// modifiers: a server SHALL reject a search with a modifier it does not support).</item>
/// <item>An unknown parameter is refused with 400 under <c>Prefer: handling=strict</c>; otherwise (<c>lenient</c>, the
/// default) it is ignored and left out of the Bundle's self link, so the client can see what was applied (R4 §3.1.1.2
/// "Handling errors").</item>
/// <item>Values are free text under <see cref="FreeText"/>: no control characters, bounded length.</item>
/// </list>
/// <c>_format</c> and <c>_pretty</c> are accepted and ignored.
/// </summary>
internal sealed class SearchRequest
{
    public const int DefaultCount = 50;
    public const int MaxCount = 500;
    /// <summary>The opaque paging cursor EdgeLab puts into <c>Bundle.link[next]</c>.</summary>
    public const string CursorParameter = "_cursor";
    /// <summary>Longest search value (an OR list of codes fits easily; nothing real comes near).</summary>
    public const int MaxValueLength = 1024;

    private static readonly HashSet<string> Common = ["_count", CursorParameter, "_format", "_pretty"];

    private readonly IQueryCollection _query;

    private SearchRequest(string resourceType, IQueryCollection query, IReadOnlyList<string> applied)
    {
        ResourceType = resourceType;
        _query = query;
        Applied = applied;
    }

    public string ResourceType { get; }

    /// <summary>The query keys the search honours, in request order: the self and next links carry these only.</summary>
    public IReadOnlyList<string> Applied { get; }

    public static SearchRequest Parse(string resourceType, HttpRequest request, IReadOnlyCollection<string> supported) =>
        Parse(resourceType, request.Query, supported, PrefersStrict(request));

    public static SearchRequest Parse(string resourceType, IQueryCollection query, IReadOnlyCollection<string> supported, bool strict)
    {
        var applied = new List<string>();
        foreach (var (key, values) in query)
        {
            var colon = key.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? key : key[..colon];
            var known = supported.Contains(name) || Common.Contains(name);
            if (!known)
            {
                if (strict)
                    throw new FhirInputException(IssueType.NotSupported,
                        $"Unknown search parameter '{key}' for {resourceType} (Prefer: handling=strict); supported: {string.Join(", ", supported.Concat(["_count"]))}.", key);
                continue;
            }
            if (colon >= 0)
                throw new FhirInputException(IssueType.NotSupported,
                    $"Search parameter '{name}': modifier ':{key[(colon + 1)..]}' is not supported; search without a modifier.", key);
            // No identifier, name, code or cursor holds a control character; PostgreSQL text cannot even store U+0000.
            foreach (var v in values)
            {
                if (FreeText.Problem(v, MaxValueLength) is { } problem)
                    throw new FhirInputException(IssueType.Value, $"Search parameter '{key}' {problem} (percent-encoded in the URL).", key);
            }
            applied.Add(key);
        }
        var request = new SearchRequest(resourceType, query, applied);
        if (query.TryGetValue("_format", out var format) && !format.All(f => f is "json" or "application/json" or FhirJson.MediaType or "application/fhir json"))
            throw new FhirInputException(IssueType.NotSupported, "Only JSON is supported (_format=json).", "_format");
        return request;
    }

    /// <summary>True when the request asks <c>Prefer: handling=strict</c> (R4 §3.1.1.2; RFC 7240 preference syntax).</summary>
    public static bool PrefersStrict(HttpRequest request)
    {
        foreach (var header in request.Headers["Prefer"])
        {
            foreach (var preference in (header ?? "").Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (preference.Equals("handling=strict", StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }

    public bool Has(string name) => _query.ContainsKey(name);

    public StringValues Values(string name) => _query.TryGetValue(name, out var v) ? v : StringValues.Empty;

    /// <summary>The single value of a parameter, or null. Repeating a single-valued parameter is a 400.</summary>
    public string? Single(string name)
    {
        var values = Values(name);
        if (values.Count == 0) return null;
        if (values.Count > 1)
            throw new FhirInputException(IssueType.Invalid, $"Search parameter '{name}' may appear only once.", name);
        var value = values[0]?.Trim();
        if (string.IsNullOrEmpty(value))
            throw new FhirInputException(IssueType.Value, $"Search parameter '{name}' is empty.", name);
        return value;
    }

    /// <summary><c>_count</c>: 1…<see cref="MaxCount"/>, default <see cref="DefaultCount"/> (R4 §3.1.1.5.9).</summary>
    public int Count()
    {
        var raw = Single("_count");
        if (raw is null) return DefaultCount;
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > MaxCount)
            throw new FhirInputException(IssueType.Value, $"_count must be an integer from 1 to {MaxCount}, not '{raw}'.", "_count");
        return count;
    }

    public string? Cursor() => Single(CursorParameter);

    /// <summary>A reference parameter (R4 §3.1.1.5.12) to <paramref name="targetType"/>: <c>123</c>, <c>Patient/123</c> or an absolute URL ending so.</summary>
    public string? Reference(string name, string targetType)
    {
        var raw = Single(name);
        if (raw is null) return null;
        var id = raw;
        var slash = raw.LastIndexOf('/');
        if (slash >= 0)
        {
            var typePart = raw[..slash];
            var typeName = typePart[(typePart.LastIndexOf('/') + 1)..];
            if (typeName != targetType)
                throw new FhirInputException(IssueType.Value, $"Search parameter '{name}' must reference a {targetType}, not '{raw}'.", name);
            id = raw[(slash + 1)..];
        }
        if (!ResourceIds.IsValid(id))
            throw new FhirInputException(IssueType.Value, $"Search parameter '{name}': '{raw}' is not a valid {targetType} id.", name);
        return id;
    }

    /// <summary>A token parameter (R4 §3.1.1.5.5) as (system, code) pairs from a comma-separated OR list.</summary>
    public IReadOnlyList<(string? System, string Code)> Tokens(string name)
    {
        var raw = Single(name);
        if (raw is null) return [];
        var tokens = new List<(string?, string)>();
        foreach (var part in raw.Split(','))
        {
            var bar = part.IndexOf('|', StringComparison.Ordinal);
            var system = bar >= 0 ? part[..bar] : null;
            var code = bar >= 0 ? part[(bar + 1)..] : part;
            if (code.Length == 0)
                throw new FhirInputException(IssueType.Value, $"Search parameter '{name}': '{part}' has no code (use [system|]code).", name);
            tokens.Add((string.IsNullOrEmpty(system) ? null : system, code));
        }
        return tokens;
    }

    public DateRange? Date(string name) => DateParameter.Parse(name, Values(name));
}
