namespace EdgeLab.Gateway.Tests.Support;

/// <summary>Waits for real I/O (broker, sockets, another process) to reach a state; fails with what was expected.</summary>
internal static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) => TrueAsync(condition, () => what, timeout);

    /// <param name="what">Evaluated at the timeout, so it can report the state the test ended in.</param>
    public static async Task TrueAsync(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for: {what()}");
            await Task.Delay(20);
        }
    }
}
