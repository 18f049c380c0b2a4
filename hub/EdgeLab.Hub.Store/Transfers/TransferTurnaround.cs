namespace EdgeLab.Hub.Store;

/// <summary>A send-out route: one test sent from one lab to another.</summary>
public sealed record TransferRoute(string FromLabId, string ToLabId, string TestCode);

/// <summary>One Task's milestones: box dispatched (null when the tube went without a box), received, final result back.</summary>
public sealed record TransferMilestones(TransferRoute Route, DateTimeOffset? DispatchedAt, DateTimeOffset? ReceivedAt, DateTimeOffset? CompletedAt);

/// <summary>The 50th and 90th percentile of one leg over <see cref="Count"/> Tasks that completed it (null when none did).</summary>
public sealed record TurnaroundLeg(int Count, TimeSpan? P50, TimeSpan? P90);

/// <summary>Turnaround of one route: dispatch → received, received → result, and dispatch → result (total).</summary>
public sealed record RouteTurnaround(TransferRoute Route, int Tasks, TurnaroundLeg Transit, TurnaroundLeg Processing, TurnaroundLeg Total);

/// <summary>
/// The turnaround report per route (issue 15 §1 "turnaround times per route on a report page"). A leg counts only the
/// Tasks that reached both of its ends, so an open Task does not pull a median towards zero; percentiles are nearest-rank
/// (the value at rank ⌈q·n⌉), which is always a time actually measured.
/// </summary>
public static class TransferTurnaround
{
    public static IReadOnlyList<RouteTurnaround> Compute(IEnumerable<TransferMilestones> milestones) =>
        milestones.GroupBy(m => m.Route)
            .OrderBy(g => g.Key.FromLabId, StringComparer.Ordinal).ThenBy(g => g.Key.ToLabId, StringComparer.Ordinal).ThenBy(g => g.Key.TestCode, StringComparer.Ordinal)
            .Select(g => new RouteTurnaround(
                g.Key,
                g.Count(),
                Leg(g.Select(m => Span(m.DispatchedAt, m.ReceivedAt))),
                Leg(g.Select(m => Span(m.ReceivedAt, m.CompletedAt))),
                Leg(g.Select(m => Span(m.DispatchedAt, m.CompletedAt)))))
            .ToList();

    /// <summary>Nearest-rank percentile of sorted values, <paramref name="q"/> in (0, 1].</summary>
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double q)
    {
        if (sorted.Count == 0) throw new ArgumentException("no values", nameof(sorted));
        var rank = (int)Math.Ceiling(q * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    private static TurnaroundLeg Leg(IEnumerable<TimeSpan?> spans)
    {
        var sorted = spans.OfType<TimeSpan>().Order().ToList();
        return sorted.Count == 0 ? new TurnaroundLeg(0, null, null) : new TurnaroundLeg(sorted.Count, Percentile(sorted, 0.5), Percentile(sorted, 0.9));
    }

    private static TimeSpan? Span(DateTimeOffset? start, DateTimeOffset? end) => start is { } s && end is { } e && e >= s ? e - s : null;
}
