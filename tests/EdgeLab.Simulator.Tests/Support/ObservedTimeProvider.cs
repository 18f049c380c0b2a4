using EdgeLab.Testing;

namespace EdgeLab.Simulator.Tests.Support;

/// <summary>
/// A fake clock that also records each timer the code under test starts, so a test can wait for "the sender has
/// started its 10 s wait" rather than for any timer at all (an old reply timer may still be armed for a moment).
/// </summary>
internal sealed class ObservedTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    private readonly List<TimeSpan> _started = [];

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();
    public override long GetTimestamp() => inner.GetTimestamp();
    public override long TimestampFrequency => inner.TimestampFrequency;
    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_started) _started.Add(dueTime);
        return inner.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>Waits (bounded, real time) until the <paramref name="occurrence"/>-th timer of exactly <paramref name="dueTime"/> has been started.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime, int occurrence)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            lock (_started)
            {
                if (_started.Count(d => d == dueTime) >= occurrence) return;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timer #{occurrence} of {dueTime.TotalSeconds} s was never started");
            await Task.Delay(2);
        }
    }
}
