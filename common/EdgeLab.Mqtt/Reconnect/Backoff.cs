namespace EdgeLab.Mqtt.Reconnect;

/// <summary>
/// Exponential backoff with full jitter: attempt n waits a uniformly random time in [0, min(max, min·2ⁿ)].
/// Full jitter spreads a fleet of gateways that lost the broker at the same moment, so they do not all come
/// back in the same instant.
/// </summary>
internal sealed class Backoff(TimeSpan minimum, TimeSpan maximum, Random random)
{
    private readonly TimeSpan _minimum = minimum <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : minimum;
    private readonly TimeSpan _maximum = maximum < minimum ? minimum : maximum;

    /// <summary>The upper bound for attempt <paramref name="attempt"/> (0-based), before jitter.</summary>
    public TimeSpan Ceiling(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt, 30));
        var ticks = Math.Min(_maximum.Ticks, _minimum.Ticks * factor);
        return TimeSpan.FromTicks((long)ticks);
    }

    public TimeSpan Next(int attempt) => TimeSpan.FromTicks((long)(random.NextDouble() * Ceiling(attempt).Ticks));
}
