namespace EdgeLab.Gateway.Outbox;

/// <summary>Where the outbox lives and when it counts as full.</summary>
internal sealed record OutboxOptions
{
    public required string DatabasePath { get; init; }
    public required string GatewayId { get; init; }
    /// <summary>Unsent rows at which commits are refused with <c>StoreFull</c>.</summary>
    public long MaxRows { get; init; } = 1_000_000;
    /// <summary>Unsent bytes (payload + raw transcript) at which commits are refused with <c>StoreFull</c>.</summary>
    public long MaxBytes { get; init; } = 2L * 1024 * 1024 * 1024;
    /// <summary>Acked transcripts older than this are deleted.</summary>
    public TimeSpan TranscriptRetention { get; init; } = TimeSpan.FromDays(90);
    /// <summary>How long an instrument's message is remembered to recognise its repeat (acknowledged without a second row).</summary>
    public TimeSpan RepeatWindow { get; init; } = TimeSpan.FromHours(1);
    /// <summary>How many of an instrument's latest messages (parts) are remembered for repeat detection.</summary>
    public int RepeatWindowMessages { get; init; } = 1000;
    /// <summary>Most writes grouped into one transaction (one fsync).</summary>
    public int MaxBatch { get; init; } = 256;
    /// <summary>False: one transaction per write (the benchmark's peer).</summary>
    public bool GroupCommit { get; init; } = true;
}
