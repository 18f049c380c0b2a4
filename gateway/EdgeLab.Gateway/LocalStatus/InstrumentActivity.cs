using System.Collections.Concurrent;

namespace EdgeLab.Gateway.LocalStatus;

/// <summary>What happened last on one instrument's link, for the technician's view. Counts and times only, no patient data.</summary>
internal sealed record InstrumentActivitySnapshot
{
    public DateTimeOffset? LastMessageAt { get; init; }
    public MessageKind? LastMessageKind { get; init; }
    /// <summary>Messages kept since midnight at the site (the configuration's time zone).</summary>
    public int MessagesToday { get; init; }
    public InstrumentProblem? LastProblem { get; init; }
}

/// <summary>What a committed message was, in the words the status uses.</summary>
internal enum MessageKind
{
    Result,
    QualityControl,
    Calibration,
    /// <summary>Could not be decoded: kept in quarantine with its raw bytes for a person to look at (DESIGN.md guarantee 5).</summary>
    Unreadable,
}

/// <summary>
/// Per-instrument activity fed by the pipeline observers (<see cref="Hosting.InstrumentSinkObserver"/>,
/// <see cref="Hosting.LinkEventObserver"/>) and read by the status socket, the status page and the box's LED.
/// "Today" is the site's calendar day, so the count matches the analyzer's own daily totals.
/// </summary>
internal sealed class InstrumentActivity(TimeProvider time, Func<TimeZoneInfo> siteZone)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Starts today's counts from what the store already holds (a restart at noon keeps the morning's count).</summary>
    public void Seed(IReadOnlyDictionary<string, int> countsToday)
    {
        var day = Today();
        foreach (var (id, count) in countsToday) Update(id, e => e with { Day = day, Today = count });
    }

    public void MessageCommitted(string instrumentId, DateTimeOffset at, MessageKind kind)
    {
        var day = Today();
        Update(instrumentId, e => e with
        {
            LastMessageAt = at,
            LastKind = kind,
            Day = day,
            Today = (e.Day == day ? e.Today : 0) + 1,
        });
        if (kind == MessageKind.Unreadable)
            Problem(instrumentId, new InstrumentProblem(ProblemKind.MessageUnreadable, at, "a message could not be decoded and was quarantined"));
    }

    public void Problem(string instrumentId, InstrumentProblem problem) => Update(instrumentId, e => e with { LastProblem = problem });

    public InstrumentActivitySnapshot Get(string instrumentId)
    {
        if (!_entries.TryGetValue(instrumentId, out var e)) return new InstrumentActivitySnapshot();
        return new InstrumentActivitySnapshot
        {
            LastMessageAt = e.LastMessageAt,
            LastMessageKind = e.LastKind,
            MessagesToday = e.Day == Today() ? e.Today : 0,
            LastProblem = e.LastProblem,
        };
    }

    /// <summary>The latest problem of any instrument at or after <paramref name="since"/>, of the given kind.</summary>
    public bool AnyProblemSince(ProblemKind kind, DateTimeOffset since) =>
        _entries.Values.Any(e => e.LastProblem is { } p && p.Kind == kind && p.At >= since);

    private DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), siteZone()).DateTime);

    private void Update(string id, Func<Entry, Entry> change) =>
        _entries.AddOrUpdate(id, _ => change(new Entry()), (_, old) => change(old));

    private sealed record Entry
    {
        public DateTimeOffset? LastMessageAt { get; init; }
        public MessageKind? LastKind { get; init; }
        public DateOnly Day { get; init; }
        public int Today { get; init; }
        public InstrumentProblem? LastProblem { get; init; }
    }
}
