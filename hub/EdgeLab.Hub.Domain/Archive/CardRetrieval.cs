namespace EdgeLab.Hub.Domain;

/// <summary>Where a requested paper card is: requested → retrieved (out of its box) → delivered (to the doctor) → returned.</summary>
public enum RetrievalStatus
{
    Requested,
    Retrieved,
    Delivered,
    Returned,
}

/// <summary>
/// A doctor's request for a paper card. Due dates: <see cref="DeliverBy"/> until delivered, then
/// <see cref="ReturnBy"/> until returned. <see cref="OverdueAt"/> is when the archive grain raised the overdue alert.
/// </summary>
public sealed record CardRetrieval
{
    public required string Id { get; init; }
    public required string CardNumber { get; init; }
    public required string OrganizationId { get; init; }
    /// <summary>The requesting doctor's name as the caller gave it.</summary>
    public required string RequestedBy { get; init; }
    public required RetrievalStatus Status { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
    public required DateTimeOffset DeliverBy { get; init; }
    public DateTimeOffset? ReturnBy { get; init; }
    public DateTimeOffset? RetrievedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? ReturnedAt { get; init; }
    public DateTimeOffset? OverdueAt { get; init; }

    /// <summary>The due date now running: delivery until delivered, then return; none once returned.</summary>
    public DateTimeOffset? DueAt => Status switch
    {
        RetrievalStatus.Requested or RetrievalStatus.Retrieved => DeliverBy,
        RetrievalStatus.Delivered => ReturnBy,
        _ => null,
    };

    /// <summary>The next status, or null when the request is finished.</summary>
    public static RetrievalStatus? Next(RetrievalStatus status) => status switch
    {
        RetrievalStatus.Requested => RetrievalStatus.Retrieved,
        RetrievalStatus.Retrieved => RetrievalStatus.Delivered,
        RetrievalStatus.Delivered => RetrievalStatus.Returned,
        _ => null,
    };
}
