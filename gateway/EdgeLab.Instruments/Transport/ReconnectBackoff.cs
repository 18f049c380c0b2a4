namespace EdgeLab.Instruments.Transport;

/// <summary>
/// Exponential backoff with jitter for reopening a lost instrument link: <c>Initial · 2^attempt</c>, capped at
/// <see cref="Maximum"/>, then spread by ±<see cref="JitterFraction"/> so forty gateways whose analyzers share a
/// power cut do not all retry on the same tick.
/// </summary>
public sealed record ReconnectBackoff
{
    public TimeSpan Initial { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan Maximum { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>0 … 1; 0.2 means each delay lands anywhere in 80 %–120 % of the nominal one.</summary>
    public double JitterFraction { get; init; } = 0.2;

    /// <summary>The delay before reopen attempt number <paramref name="attempt"/> (0 for the first retry).</summary>
    public TimeSpan DelayFor(int attempt, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var exponent = Math.Min(Math.Max(attempt, 0), 30);
        var nominal = Math.Min(Initial.TotalMilliseconds * Math.Pow(2, exponent), Maximum.TotalMilliseconds);
        var jitter = 1 + (JitterFraction * ((random.NextDouble() * 2) - 1));
        return TimeSpan.FromMilliseconds(Math.Max(0, nominal * jitter));
    }
}
