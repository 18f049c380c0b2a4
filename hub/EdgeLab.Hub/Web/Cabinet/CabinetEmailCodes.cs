using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EdgeLab.Hub.Mail;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Web.Cabinet;

/// <summary>What asking for or checking an e-mail code came to.</summary>
internal enum EmailCodeOutcome
{
    /// <summary>Asked: a code is on its way (or, signing in with an address nobody has, the same answer and no mail).</summary>
    Sent,
    /// <summary>Checked: the code was right and is now used up.</summary>
    Confirmed,
    BadAddress,
    /// <summary>The address is another patient's: not linked (the page says only that it cannot be used).</summary>
    AddressTaken,
    RateLimited,
    WrongCode,
    /// <summary><see cref="CabinetEmailCodes.MaxTries"/> wrong codes: this code works no more; ask for a new one.</summary>
    LockedOut,
    Expired,
    /// <summary>Used already, unknown, or not this session's.</summary>
    Invalid,
}

/// <summary>A code asked for: the challenge the confirm form carries (a random id, not the code, not the address).</summary>
internal sealed record EmailCodeRequest(EmailCodeOutcome Outcome, string? ChallengeId);

/// <summary>A code checked: the patient it proves (sign-in) or whose address it confirmed (link), and tries left.</summary>
internal sealed record EmailCodeCheck(EmailCodeOutcome Outcome, string? PatientId, int TriesLeft);

/// <summary>
/// One-time codes by e-mail for the cabinet (issue 14): 6 digits, valid <see cref="Lifetime"/>, <see cref="MaxTries"/>
/// wrong tries, stored as SHA-256 of the challenge id and the code, used once. Asking is rate-limited per address
/// (<see cref="MaxPerAddress"/>) and per client address (<see cref="MaxPerRequester"/>) in <see cref="RateWindow"/>,
/// counted from the codes table on the hub's clock. Signing in with an address no patient confirmed answers exactly as
/// with a known one (no mail is sent), so the page does not tell who is a patient. Audited by the pages.
/// </summary>
internal sealed class CabinetEmailCodes(ICabinetEmailStore store, IMailOutbox outbox, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    public const int MaxTries = 5;
    public static readonly TimeSpan RateWindow = TimeSpan.FromHours(1);
    public const int MaxPerAddress = 5;
    public const int MaxPerRequester = 20;
    public const string MailKind = "cabinet-code";

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>A signed-in patient adds <paramref name="addressText"/>: a code to confirm it is sent there.</summary>
    public async Task<EmailCodeRequest> RequestLinkAsync(string patientId, string? addressText, string requester, CancellationToken cancellationToken)
    {
        if (MailAddress.TryNormalize(addressText) is not { } address) return new(EmailCodeOutcome.BadAddress, null);
        if (await store.GetEmailByAddressAsync(address, cancellationToken).ConfigureAwait(false) is { } owner && owner.PatientId != patientId)
            return new(EmailCodeOutcome.AddressTaken, null);
        return await IssueAsync(EmailCodePurpose.Link, address, patientId, requester, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sign-in by address: a code goes to the address when a patient confirmed it.</summary>
    public async Task<EmailCodeRequest> RequestSignInAsync(string? addressText, string requester, CancellationToken cancellationToken)
    {
        if (MailAddress.TryNormalize(addressText) is not { } address) return new(EmailCodeOutcome.BadAddress, null);
        var owner = await store.GetEmailByAddressAsync(address, cancellationToken).ConfigureAwait(false);
        return await IssueAsync(EmailCodePurpose.SignIn, address, owner?.PatientId, requester, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks <paramref name="code"/> against the challenge. A link challenge must be the session patient's
    /// (<paramref name="sessionPatientId"/>); confirming it links the address. A sign-in challenge proves its patient.
    /// </summary>
    public async Task<EmailCodeCheck> CheckAsync(string? challengeId, string? code, EmailCodePurpose purpose, string? sessionPatientId, CancellationToken cancellationToken)
    {
        if (challengeId is not { Length: > 0 and <= 64 }) return new(EmailCodeOutcome.Invalid, null, 0);
        var challenge = await store.GetEmailCodeAsync(challengeId, cancellationToken).ConfigureAwait(false);
        if (challenge is null || challenge.Purpose != purpose || challenge.UsedAt is not null
            || (purpose == EmailCodePurpose.Link && challenge.PatientId != sessionPatientId))
            return new(EmailCodeOutcome.Invalid, null, 0);
        if (challenge.FailedCount >= MaxTries) return new(EmailCodeOutcome.LockedOut, null, 0);
        if (challenge.ExpiresAt <= Now) return new(EmailCodeOutcome.Expired, null, 0);
        var digits = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        var right = digits.Length == 6 && challenge.PatientId is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(challenge.Id, digits)), Encoding.ASCII.GetBytes(challenge.CodeSha256));
        if (!right)
        {
            var failures = await store.RecordEmailCodeFailureAsync(challenge.Id, cancellationToken).ConfigureAwait(false);
            return failures >= MaxTries ? new(EmailCodeOutcome.LockedOut, null, 0) : new(EmailCodeOutcome.WrongCode, null, MaxTries - failures);
        }
        // Used once, even when the right code is sent twice at once: the second update finds it used.
        if (!await store.UseEmailCodeAsync(challenge.Id, Now, cancellationToken).ConfigureAwait(false)) return new(EmailCodeOutcome.Invalid, null, 0);
        if (purpose == EmailCodePurpose.Link
            && !await store.LinkEmailAsync(challenge.PatientId!, challenge.Address, Now, consentVersion: null, cancellationToken).ConfigureAwait(false))
            return new(EmailCodeOutcome.AddressTaken, null, 0);
        return new(EmailCodeOutcome.Confirmed, challenge.PatientId, MaxTries - challenge.FailedCount);
    }

    /// <summary>The SHA-256 of the client's address: enough to count its requests, not kept in clear.</summary>
    public static string RequesterHash(HttpContext http) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("cabinet-email:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"))));

    private async Task<EmailCodeRequest> IssueAsync(EmailCodePurpose purpose, string address, string? patientId, string requester, CancellationToken cancellationToken)
    {
        var now = Now;
        var (forAddress, fromRequester) = await store.CountEmailCodesAsync(address, requester, now - RateWindow, cancellationToken).ConfigureAwait(false);
        if (forAddress >= MaxPerAddress || fromRequester >= MaxPerRequester) return new(EmailCodeOutcome.RateLimited, null);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        await store.AddEmailCodeAsync(new EmailCodeChallenge(id, purpose, address, patientId, Hash(id, code), now, now + Lifetime, 0, null), requester, cancellationToken).ConfigureAwait(false);
        if (patientId is not null)
            await outbox.EnqueueAsync(new MailMessage(address, CabinetMailText.CodeSubject, CabinetMailText.CodeBody(code, Lifetime), MailKind), cancellationToken).ConfigureAwait(false);
        return new(EmailCodeOutcome.Sent, id);
    }

    private static string Hash(string challengeId, string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{challengeId}:{code}")));
}
