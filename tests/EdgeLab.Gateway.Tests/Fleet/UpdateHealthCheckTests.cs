using EdgeLab.Contract;
using EdgeLab.Gateway.Fleet.Update;
using EdgeLab.Testing;

namespace EdgeLab.Gateway.Tests.Fleet;

/// <summary>A new version is kept only once uplink, instruments and outbox are healthy together, within its window (issue 12 §4).</summary>
public sealed class UpdateHealthCheckTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private static InstrumentLinkState Link(string id, string state) => new() { InstrumentId = id, Profile = "sysmex-xn", State = state };

    [Fact]
    public void Every_problem_is_named()
    {
        var snapshot = new UpdateHealthSnapshot(false, [Link("xn-1", "down"), Link("c311", "waiting"), Link("bs-1", "up")], 3);

        Assert.Equal(["uplink not connected to the broker", "instrument xn-1 (sysmex-xn) is down", "outbox not drained (3 rows waiting)"], snapshot.Problems());
    }

    [Fact]
    public async Task The_check_passes_at_the_first_look_that_finds_everything_healthy()
    {
        var time = new FakeTimeProvider();
        var connected = false;
        var check = new UpdateHealthCheck(() => new UpdateHealthSnapshot(connected, [Link("xn-1", "up")], 0), time, Window, Interval);

        var run = check.RunAsync(CancellationToken.None);
        await UntilTimerArmedAsync(time);
        Assert.False(run.IsCompleted);
        connected = true;
        time.Advance(Interval);

        Assert.Null(await run.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_check_fails_at_the_end_of_the_window_saying_what_was_still_wrong()
    {
        var time = new FakeTimeProvider();
        var check = new UpdateHealthCheck(() => new UpdateHealthSnapshot(true, [Link("xn-1", "down")], 0), time, Window, Interval);

        var run = check.RunAsync(CancellationToken.None);
        for (var elapsed = TimeSpan.Zero; elapsed < Window; elapsed += Interval)
        {
            await UntilTimerArmedAsync(time);
            time.Advance(Interval);
        }

        Assert.Equal("not healthy within 120 s: instrument xn-1 (sysmex-xn) is down", await run.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task UntilTimerArmedAsync(FakeTimeProvider time)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (time.ArmedTimerCount == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the check never waited on the clock");
            await Task.Yield();
        }
    }
}
