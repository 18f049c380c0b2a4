using System.Globalization;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Search;

/// <summary>
/// A FHIR date search parameter (R4 §3.1.1.5.7 date, prefixes §3.1.1.5.6): <c>[prefix]YYYY[-MM[-DD[Thh:mm[:ss[.fff]][Z|±hh:mm]]]]</c>.
/// A value stands for the range its precision implies; prefixes eq | ne | gt | lt | ge | le | sa | eb | ap.
/// EdgeLab supports eq, gt, lt, ge, le (and sa/eb as gt/lt), turning them into a half-open [from, to) range.
/// A dateTime without an offset is read as UTC (the spec leaves it to the server).
/// </summary>
internal readonly record struct DateRange(DateTimeOffset? From, DateTimeOffset? To)
{
    public DateRange Intersect(DateRange other) => new(
        Max(From, other.From),
        Min(To, other.To));

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;
}

internal static class DateParameter
{
    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>Parses all repetitions of one date parameter (AND-ed, as R4 §3.1.1.3 says for repeated parameters).</summary>
    public static DateRange? Parse(string name, IEnumerable<string?> values)
    {
        DateRange? range = null;
        foreach (var raw in values)
        {
            if (string.IsNullOrWhiteSpace(raw)) continue;
            if (raw.Contains(',', StringComparison.Ordinal))
                throw new FhirInputException(IssueType.NotSupported, $"Search parameter '{name}': OR-lists of dates are not supported; repeat the parameter to AND.", name);
            var one = ParseOne(name, raw.Trim());
            range = range is { } r ? r.Intersect(one) : one;
        }
        return range;
    }

    private static DateRange ParseOne(string name, string raw)
    {
        var (prefix, text) = raw.Length > 2 && char.IsAsciiLetterLower(raw[0]) && char.IsAsciiLetterLower(raw[1])
            ? (raw[..2], raw[2..])
            : ("eq", raw);
        var (start, end) = Bounds(name, text);
        return prefix switch
        {
            "eq" => new DateRange(start, end),
            "ge" => new DateRange(start, null),
            "gt" or "sa" => new DateRange(end, null),
            "lt" or "eb" => new DateRange(null, start),
            "le" => new DateRange(null, end),
            "ne" or "ap" => throw new FhirInputException(IssueType.NotSupported,
                $"Search parameter '{name}': prefix '{prefix}' is not supported; use eq, ge, gt, le or lt.", name),
            _ => throw new FhirInputException(IssueType.Value,
                $"Search parameter '{name}': unknown prefix '{prefix}'; use eq, ge, gt, le or lt.", name),
        };
    }

    /// <summary>
    /// The [start, end) instants the value's precision covers. A value whose range ends past the last instant .NET
    /// (and FHIR's four-digit year) can represent — <c>9999</c>, <c>9999-12</c>, <c>9999-12-31</c>,
    /// <c>9999-12-31T23:59:59Z</c> — has no exclusive end; it is refused with 400 naming the parameter (it used to
    /// overflow into a 500), whatever the prefix.
    /// </summary>
    private static (DateTimeOffset Start, DateTimeOffset End) Bounds(string name, string text)
    {
        var inv = CultureInfo.InvariantCulture;
        if (text.Length == 4 && int.TryParse(text, NumberStyles.None, inv, out var year) && year >= 1)
        {
            var s = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
            return (s, End(name, text, s, TimeSpan.Zero, years: 1));
        }
        if (text.Length == 7 && DateTime.TryParseExact(text, "yyyy-MM", inv, DateTimeStyles.None, out var month))
        {
            var s = new DateTimeOffset(month, TimeSpan.Zero);
            return (s, End(name, text, s, TimeSpan.Zero, months: 1));
        }
        if (text.Length == 10 && DateTime.TryParseExact(text, "yyyy-MM-dd", inv, DateTimeStyles.None, out var day))
        {
            var s = new DateTimeOffset(day, TimeSpan.Zero);
            return (s, End(name, text, s, TimeSpan.FromDays(1)));
        }
        if (DateTimeOffset.TryParseExact(text, DateTimeFormats, inv, DateTimeStyles.AssumeUniversal, out var at))
        {
            // Precision: to the minute, second or the fraction given.
            // 'Z' has no colon, '±hh:mm' has one (counting it for 'Z' too made '…T08:30:00Z' a minute wide).
            var colonCount = text.Count(c => c == ':') - (HasOffset(text) && !text.EndsWith('Z') ? 1 : 0);
            var span = text.Contains('.', StringComparison.Ordinal) ? TimeSpan.FromTicks(1)
                : colonCount >= 2 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1);
            return (at, End(name, text, at, span));
        }
        throw new FhirInputException(IssueType.Value,
            $"Search parameter '{name}': '{text}' is not a FHIR date or dateTime (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[Z|±hh:mm]).", name);
    }

    private static DateTimeOffset End(string name, string text, DateTimeOffset start, TimeSpan span, int years = 0, int months = 0)
    {
        var past = years > 0 ? start.Year + years > 9999
            : months > 0 ? start.Year == 9999 && start.Month + months > 12
            : DateTimeOffset.MaxValue.UtcTicks - start.UtcTicks < span.Ticks;
        if (past)
            throw new FhirInputException(IssueType.Value,
                $"Search parameter '{name}': '{text}' reaches past the last date the hub can search (9999-12-31T23:59:59Z); give an earlier date.", name);
        return years > 0 ? start.AddYears(years) : months > 0 ? start.AddMonths(months) : start + span;
    }

    private static bool HasOffset(string text)
    {
        var t = text.IndexOf('T', StringComparison.Ordinal);
        if (t < 0) return false;
        var time = text[t..];
        return time.EndsWith('Z') || time.Contains('+', StringComparison.Ordinal) || time.Contains('-', StringComparison.Ordinal);
    }
}
