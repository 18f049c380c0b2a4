using EdgeLab.Contract;

namespace EdgeLab.Gateway.Fleet.Update;

/// <summary>What the health check looks at, read from the running gateway.</summary>
internal sealed record UpdateHealthSnapshot(bool UplinkConnected, IReadOnlyList<InstrumentLinkState> Links, long OutboxPendingRows)
{
    /// <summary>What is not healthy yet, in words for the journal and the hub; empty when the new version may be kept.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!UplinkConnected)
        {
            problems.Add("uplink not connected to the broker");
        }
        // "waiting" is a TCP listener with no analyzer connected yet, "disabled" is configured off: neither is a fault
        // the new version caused. "down" is.
        foreach (var link in Links.Where(l => l.State == "down"))
        {
            problems.Add($"instrument {link.InstrumentId} ({link.Profile}) is down");
        }
        if (OutboxPendingRows > 0)
        {
            problems.Add($"outbox not drained ({OutboxPendingRows} rows waiting)");
        }
        return problems;
    }
}

/// <summary>
/// The check after a new version's first start (issue 12 §4: uplink connected, instruments up, outbox drained): polls
/// the running gateway until one look finds everything healthy (pass) or the window ends (fail, with what was still
/// wrong at the last look). Runs on the injected clock.
/// </summary>
internal sealed class UpdateHealthCheck(Func<UpdateHealthSnapshot> look, TimeProvider time, TimeSpan window, TimeSpan interval)
{
    /// <summary>Null when healthy; otherwise why not, e.g. "uplink not connected to the broker; outbox not drained (3 rows waiting)".</summary>
    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var problems = look().Problems();
            if (problems.Count == 0)
            {
                return null;
            }
            if (time.GetElapsedTime(started) >= window)
            {
                return $"not healthy within {window.TotalSeconds:0} s: {string.Join("; ", problems)}";
            }
            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
