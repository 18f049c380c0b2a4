namespace EdgeLab.Hub.Domain;

/// <summary>One audited API call: who read or wrote what, when, with what outcome.</summary>
public sealed record AuditEntry
{
    public long Id { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string ClientId { get; init; }
    public required string OrganizationId { get; init; }
    /// <summary>e.g. <c>read</c>, <c>search</c>, <c>create</c>, <c>cancel</c>.</summary>
    public required string Action { get; init; }
    public required string ResourceType { get; init; }
    public string? ResourceId { get; init; }
    /// <summary>The patient whose data was touched, when known.</summary>
    public string? PatientId { get; init; }
    /// <summary>The query string of a search (parameters, never bodies).</summary>
    public string? Query { get; init; }
    public required int StatusCode { get; init; }
    public string? RemoteAddress { get; init; }
}
