using EdgeLab.Mqtt.Reconnect;

namespace EdgeLab.Mqtt.Tests.Rules;

/// <summary>Reconnect delays: exponential ceiling, capped, full jitter below it.</summary>
public sealed class BackoffTests
{
    [Fact]
    public void Ceiling_doubles_from_the_minimum_up_to_the_maximum_and_every_delay_is_jittered_below_it()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), new Random(5));
        Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.Ceiling(0));
        Assert.Equal(TimeSpan.FromMilliseconds(800), backoff.Ceiling(2));
        Assert.Equal(TimeSpan.FromSeconds(30), backoff.Ceiling(20));
        Assert.Equal(TimeSpan.FromSeconds(30), backoff.Ceiling(int.MaxValue));
        var delays = Enumerable.Range(0, 1000).Select(_ => backoff.Next(10)).ToList();
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(30)));
        // Full jitter spreads over the whole range rather than clustering at the ceiling.
        Assert.Contains(delays, d => d < TimeSpan.FromSeconds(5));
        Assert.Contains(delays, d => d > TimeSpan.FromSeconds(25));
    }
}
