using static EdgeLab.Hub.Web.Text.UiText;

namespace EdgeLab.Hub.Web.Cabinet;

/// <summary>An e-mail code outcome as the pages say it, its HTTP status and its name in the audit trail.</summary>
internal static class CabinetEmailText
{
    public static string Message(EmailCodeOutcome outcome, int triesLeft) => outcome switch
    {
        EmailCodeOutcome.BadAddress => T("mail.code.badAddress"),
        EmailCodeOutcome.AddressTaken => T("mail.code.taken"),
        EmailCodeOutcome.RateLimited => T("mail.code.rateLimited"),
        EmailCodeOutcome.WrongCode => F("mail.code.wrong", triesLeft),
        EmailCodeOutcome.LockedOut => T("mail.code.locked"),
        EmailCodeOutcome.Expired => T("mail.code.expired"),
        _ => T("mail.code.invalid"),
    };

    public static int Status(EmailCodeOutcome outcome) => outcome switch
    {
        EmailCodeOutcome.Sent or EmailCodeOutcome.Confirmed => StatusCodes.Status200OK,
        EmailCodeOutcome.BadAddress => StatusCodes.Status400BadRequest,
        EmailCodeOutcome.AddressTaken => StatusCodes.Status409Conflict,
        EmailCodeOutcome.RateLimited or EmailCodeOutcome.LockedOut => StatusCodes.Status429TooManyRequests,
        // Not 404: static SSR answers a page that sets 404 with the router's empty not-found response, losing the message.
        EmailCodeOutcome.Expired => StatusCodes.Status410Gone,
        _ => StatusCodes.Status401Unauthorized,
    };

    public static string Kebab(EmailCodeOutcome outcome) => outcome switch
    {
        EmailCodeOutcome.BadAddress => "bad-address",
        EmailCodeOutcome.AddressTaken => "address-taken",
        EmailCodeOutcome.RateLimited => "rate-limited",
        EmailCodeOutcome.WrongCode => "wrong-code",
        EmailCodeOutcome.LockedOut => "locked-out",
        EmailCodeOutcome.Expired => "expired",
        EmailCodeOutcome.Confirmed => "confirmed",
        EmailCodeOutcome.Sent => "sent",
        _ => "invalid",
    };
}
