using System.Globalization;

namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// HL7 TS/DTM values (HL7 v2.5 §2.A.74 and §2.A.22): <c>YYYY[MM[DD[HHMM[SS[.S[S[S[S]]]]]]]][+/-ZZZZ]</c>. Without an
/// offset the time is the sender's local time, which is the site's time zone.
/// </summary>
internal static class Hl7Timestamp
{
    /// <summary>Parses <paramref name="text"/>; null when empty. Returns false when the text is not a timestamp.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, TimeZoneInfo siteZone, out DateTimeOffset? value)
    {
        value = null;
        text = text.Trim();
        // TS in v2.3/2.4 carries a degree of precision as component 2; only component 1 is passed in here.
        if (text.IsEmpty) return true;
        TimeSpan? offset = null;
        var sign = text.IndexOfAny('+', '-');
        if (sign >= 0)
        {
            var z = text[(sign + 1)..];
            if (z.Length != 4 || !int.TryParse(z, NumberStyles.None, CultureInfo.InvariantCulture, out var hhmm)) return false;
            var span = new TimeSpan(hhmm / 100, hhmm % 100, 0);
            offset = text[sign] == '-' ? -span : span;
            text = text[..sign];
        }
        var fraction = 0L;
        var dot = text.IndexOf('.');
        if (dot >= 0)
        {
            var f = text[(dot + 1)..];
            if (f.IsEmpty || f.Length > 4 || !long.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out fraction)) return false;
            for (var i = f.Length; i < 7; i++) fraction *= 10;
            text = text[..dot];
        }
        if (text.Length is not (4 or 6 or 8 or 10 or 12 or 14)) return false;
        foreach (var c in text) if (!char.IsAsciiDigit(c)) return false;
        var year = Part(text, 0, 4, 1);
        var month = Part(text, 4, 2, 1);
        var day = Part(text, 6, 2, 1);
        var hour = Part(text, 8, 2, 0);
        var minute = Part(text, 10, 2, 0);
        var second = Part(text, 12, 2, 0);
        // Year 0000 is checked before DaysInMonth, which throws for it (bench/fuzz hl7 finding).
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fraction);
        if (offset is { } o)
        {
            if (o.Duration() > TimeSpan.FromHours(14)) return false;
            // 0001-01-01 east of UTC or 9999-12-31 west of it has no UTC instant: DateTimeOffset would throw.
            if ((local - DateTime.MinValue).Ticks < o.Ticks || (DateTime.MaxValue - local).Ticks < -o.Ticks) return false;
            value = new DateTimeOffset(local, o);
        }
        else
        {
            // An invalid local time (spring-forward gap) is read as the later offset: no guess is better than another.
            var zoneOffset = siteZone.IsInvalidTime(local) ? siteZone.GetUtcOffset(local.AddHours(1)) : siteZone.GetUtcOffset(local);
            value = new DateTimeOffset(local, zoneOffset);
        }
        return true;
    }

    private static int Part(ReadOnlySpan<char> text, int at, int len, int whenAbsent) =>
        text.Length >= at + len ? int.Parse(text.Slice(at, len), CultureInfo.InvariantCulture) : whenAbsent;
}
