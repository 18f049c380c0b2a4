namespace EdgeLab.Instruments.Message.Lis2;

/// <summary>
/// LIS02-A2 date and time fields (§6.6.4): <c>YYYYMMDD</c>, <c>YYYYMMDDHHMM</c> or <c>YYYYMMDDHHMMSS</c>, in the
/// instrument's local clock. The instrument does not say its offset, so the site's time zone is applied here.
/// </summary>
internal static class Lis2DateTime
{
    /// <summary>Reads a field as a point in time in <paramref name="zone"/>; false when the text is not a valid date/time.</summary>
    public static bool TryParse(ReadOnlySpan<byte> raw, TimeZoneInfo zone, out DateTimeOffset value)
    {
        value = default;
        if (raw.Length is not (8 or 12 or 14))
            return false;
        foreach (var b in raw)
        {
            if (b is < (byte)'0' or > (byte)'9')
                return false;
        }
        var year = Number(raw, 0, 4);
        var month = Number(raw, 4, 2);
        var day = Number(raw, 6, 2);
        var hour = raw.Length >= 12 ? Number(raw, 8, 2) : 0;
        var minute = raw.Length >= 12 ? Number(raw, 10, 2) : 0;
        var second = raw.Length == 14 ? Number(raw, 12, 2) : 0;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        value = new DateTimeOffset(local, zone.GetUtcOffset(local));
        return true;
    }

    /// <summary>Reads a field as a point in time, or throws a typed error naming the record and field.</summary>
    public static DateTimeOffset? Read(in Lis2Record record, int field, TimeZoneInfo zone)
    {
        var f = record.Field(field);
        var raw = f.Component(1).Raw; // some instruments append components (e.g. H.14 "20250516125515^..."); the time is the first
        if (raw.IsEmpty)
            return null;
        if (TryParse(raw, zone, out var value))
            return value;
        throw record.Error($"invalid date/time '{Printable(raw)}' (expected YYYYMMDD[HHMM[SS]])", field, f.ByteOffset);
    }

    /// <summary>Writes a time for a record the host sends, in the instrument's local clock (LIS02-A2 §6.6.4).</summary>
    public static string Format(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyyMMddHHmmss");

    private static int Number(ReadOnlySpan<byte> s, int start, int length)
    {
        var n = 0;
        for (var i = start; i < start + length; i++)
            n = n * 10 + (s[i] - '0');
        return n;
    }

    internal static string Printable(ReadOnlySpan<byte> raw)
    {
        var n = Math.Min(raw.Length, 32);
        var chars = new char[n];
        for (var i = 0; i < n; i++)
            chars[i] = raw[i] is >= 0x20 and < 0x7F ? (char)raw[i] : '?';
        return raw.Length > n ? new string(chars) + "…" : new string(chars);
    }
}
