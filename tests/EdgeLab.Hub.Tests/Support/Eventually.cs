namespace EdgeLab.Hub.Tests.Support;

/// <summary>Polls a condition that a real process (broker, database, hub) makes true; fails naming it after the timeout.</summary>
internal static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan timeout) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {timeout.TotalSeconds:0} s waiting for: {what}");
            await Task.Delay(20);
        }
    }
}
