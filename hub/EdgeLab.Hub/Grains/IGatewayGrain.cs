using Orleans.Concurrency;

namespace EdgeLab.Hub.Grains;

/// <summary>
/// One per gateway id (the grain key): owns what must happen once and in order for that gateway — its order stream
/// (upserts and cancels from the order outbox, published in sequence and retried until the broker's PUBACK) — and
/// knows when the hub last committed something from it — and publishes its desired configuration (retained) and its
/// commands (issue 12 §2, §5), so two hub nodes never publish one gateway's versions out of order.
/// </summary>
internal interface IGatewayGrain : IGrainWithStringKey
{
    /// <summary>The outbox has (or may have) rows for this gateway: publish them now, in order. Fire and forget.</summary>
    [OneWay]
    Task WakeOrdersAsync();

    /// <summary>
    /// The hub committed a batch holding messages from this gateway at <paramref name="at"/>. Told by ingest after the
    /// commit, one-way and never awaited, so the ack path does not wait for a grain (issue 11).
    /// </summary>
    [OneWay, AlwaysInterleave]
    Task IngestCommittedAsync(DateTimeOffset at);

    /// <summary>
    /// A desired configuration version or a command for this gateway is (or may be) waiting: publish the latest version
    /// and the pending commands now. Fire and forget; the sweep in <see cref="GrainWakeup"/> calls again until done.
    /// </summary>
    [OneWay]
    Task PublishFleetAsync();

    /// <summary>What this activation knows (tests, diagnostics).</summary>
    [AlwaysInterleave]
    Task<GatewayGrainStatus> GetStatusAsync();
}

/// <summary>A gateway grain's view: when ingest last committed from the gateway, and the state of its order stream.</summary>
[GenerateSerializer, Immutable]
internal sealed record GatewayGrainStatus(
    [property: Id(0)] DateTimeOffset? LastIngestAt,
    [property: Id(1)] string Silo,
    [property: Id(2)] int PublishedOrders,
    [property: Id(3)] int ConsecutiveFailures);
