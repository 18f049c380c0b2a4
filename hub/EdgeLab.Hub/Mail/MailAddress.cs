using MimeKit;

namespace EdgeLab.Hub.Mail;

/// <summary>An e-mail address as the hub keeps it: one mailbox, trimmed, lower case (a key for look-ups and rate limits).</summary>
internal static class MailAddress
{
    /// <summary>RFC 5321 §4.5.3.1.3: a path is at most 256 octets, so an address at most 254.</summary>
    public const int MaxLength = 254;

    /// <summary>
    /// The address in the hub's form, or null when <paramref name="text"/> is not exactly one mailbox with a local part
    /// and a dotted domain (no display names, no lists, no spaces).
    /// </summary>
    public static string? TryNormalize(string? text)
    {
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length is 0 or > MaxLength || trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';')) return null;
        if (!MailboxAddress.TryParse(ParserOptions.Default, trimmed, out var mailbox) || mailbox.Address != trimmed) return null;
        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1 || !trimmed[(at + 1)..].Contains('.', StringComparison.Ordinal)) return null;
        return trimmed.ToLowerInvariant();
    }
}
