using System.Globalization;

namespace EdgeLab.Hub.Auth;

/// <summary>
/// <c>clients add --expires-in 90d</c> / <c>--expires 2027-03-01</c>: when a new token stops working. A token that
/// never expires is still the default (existing integrations), but a lifetime bounds what a leaked token is worth.
/// </summary>
internal static class TokenLifetime
{
    /// <summary>The longest lifetime accepted (ten years): beyond that "never" is the honest answer.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(3653);

    /// <summary>The expiry from either option (not both), or null for no expiry; bad text is an <see cref="ArgumentException"/> naming the option.</summary>
    public static DateTimeOffset? Expiry(string? expiresIn, string? expiresAt, DateTimeOffset now)
    {
        if (expiresIn is not null && expiresAt is not null)
            throw new ArgumentException("give --expires-in or --expires, not both");
        if (expiresIn is not null)
        {
            var lifetime = ParseLifetime(expiresIn)
                ?? throw new ArgumentException($"--expires-in '{expiresIn}' is not a lifetime; use <n>d, <n>h or <n>m, e.g. 90d");
            if (lifetime <= TimeSpan.Zero || lifetime > Longest)
                throw new ArgumentException($"--expires-in '{expiresIn}' must be more than 0 and at most {Longest.Days}d");
            return now + lifetime;
        }
        if (expiresAt is not null)
        {
            var at = DateOnly.TryParseExact(expiresAt, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
                : DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
                    ? instant
                    : throw new ArgumentException($"--expires '{expiresAt}' is not a date or instant; use e.g. 2027-03-01 or 2027-03-01T12:00:00Z");
            if (at <= now) throw new ArgumentException($"--expires '{expiresAt}' is not in the future");
            if (at - now > Longest) throw new ArgumentException($"--expires '{expiresAt}' is more than {Longest.Days} days away");
            return at;
        }
        return null;
    }

    /// <summary><c>90d</c>, <c>12h</c>, <c>30m</c> → the span; anything else → null.</summary>
    public static TimeSpan? ParseLifetime(string text)
    {
        text = text.Trim();
        if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
        if (n > 10_000_000) return TimeSpan.MaxValue; // more minutes than ten years hold: refused as too long, not overflowed
        return char.ToLowerInvariant(text[^1]) switch
        {
            'd' => TimeSpan.FromDays(n),
            'h' => TimeSpan.FromHours(n),
            'm' => TimeSpan.FromMinutes(n),
            _ => null,
        };
    }
}
