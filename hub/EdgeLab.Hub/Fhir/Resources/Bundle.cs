using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 §2.36 Bundle. type (1..1, BundleType: document | message | transaction | transaction-response | batch |
/// batch-response | history | searchset | collection). total only for searchset and history (bdl-1);
/// entry.search only for searchset (bdl-2); entry.request only for batch/transaction/history (bdl-3);
/// entry.response only for batch-response/transaction-response/history (bdl-4).
/// </summary>
internal sealed record Bundle : Resource
{
    [JsonIgnore]
    public override string ResourceType => "Bundle";

    /// <summary>A persistent identifier; a document needs one with system and value (bdl-9).</summary>
    public Identifier? Identifier { get; init; }
    public required string Type { get; init; }
    public string? Timestamp { get; init; }
    public int? Total { get; init; }
    public IReadOnlyList<BundleLink>? Link { get; init; }
    public IReadOnlyList<BundleEntry>? Entry { get; init; }
}

/// <summary>R4 Bundle.link: relation (self | next | previous …) and url, both 1..1.</summary>
internal sealed record BundleLink
{
    public required string Relation { get; init; }
    public required string Url { get; init; }
}

/// <summary>R4 Bundle.entry. fullUrl is an absolute URL or <c>urn:uuid:</c> (bdl-8).</summary>
internal sealed record BundleEntry
{
    public string? FullUrl { get; init; }
    public Resource? Resource { get; init; }
    public BundleEntrySearch? Search { get; init; }
    public BundleEntryRequest? Request { get; init; }
    public BundleEntryResponse? Response { get; init; }
}

/// <summary>R4 Bundle.entry.search: mode ∈ match | include | outcome.</summary>
internal sealed record BundleEntrySearch
{
    public string? Mode { get; init; }
}

/// <summary>R4 Bundle.entry.request: method (GET | HEAD | POST | PUT | DELETE | PATCH) and url, both 1..1.</summary>
internal sealed record BundleEntryRequest
{
    public string? Method { get; init; }
    public string? Url { get; init; }
}

/// <summary>R4 Bundle.entry.response: status (1..1, e.g. <c>201 Created</c>), location, etag, lastModified.</summary>
internal sealed record BundleEntryResponse
{
    public required string Status { get; init; }
    public string? Location { get; init; }
    public string? Etag { get; init; }
    public string? LastModified { get; init; }
}
