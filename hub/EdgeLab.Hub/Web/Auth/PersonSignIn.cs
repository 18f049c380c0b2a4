using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace EdgeLab.Hub.Web.Auth;

/// <summary>What a sign-in attempt came to.</summary>
internal enum SignInOutcome
{
    SignedIn,
    /// <summary>Unknown login or wrong password: the same answer for both, so logins cannot be probed.</summary>
    Failed,
    LockedOut,
    Disabled,
}

/// <summary>
/// Password sign-in for people: ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2-HMAC-SHA512,
/// 100 000 iterations, per-user salt; the hash names its format so a later upgrade rehashes on sign-in), a lockout of
/// <see cref="LockoutDuration"/> after <see cref="MaxFailures"/> wrong passwords in a row (OWASP ASVS 2.2.1), and the
/// cookie session. Each attempt is audited by the caller (<see cref="WebAudit"/>).
/// </summary>
internal sealed class PersonSignIn(IWebUserStore users, TimeProvider time)
{
    public const string Scheme = "EdgeLabPerson";
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    /// <summary>A session ends after this long without a request (sliding), as at a shared lab workstation.</summary>
    public static readonly TimeSpan SessionIdle = TimeSpan.FromMinutes(30);

    private static readonly PasswordHasher<WebUser> Hasher = new();

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    /// <summary>A password a person may choose: 10 to 128 characters (NIST SP 800-63B §5.1.1.2: length over composition rules).</summary>
    public static string? PasswordProblem(string password) =>
        password.Length < 10 ? "the password must have at least 10 characters"
        : password.Length > 128 ? "the password must have at most 128 characters"
        : null;

    public async Task<(SignInOutcome Outcome, WebUser? User)> CheckAsync(string login, string password, CancellationToken cancellationToken)
    {
        var user = login.Length is > 0 and <= 64 ? await users.GetWebUserAsync(login, cancellationToken).ConfigureAwait(false) : null;
        if (user is null)
        {
            // Spend the same work as a real check so response time does not tell which logins exist.
            Hasher.VerifyHashedPassword(null!, DummyHash.Value, password);
            return (SignInOutcome.Failed, null);
        }
        if (user.DisabledAt is not null) return (SignInOutcome.Disabled, user);
        var now = time.GetUtcNow();
        if (user.LockedUntil is { } until && until > now) return (SignInOutcome.LockedOut, user);
        var verdict = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var failures = await users.RecordFailedSignInAsync(user.Login, MaxFailures, now + LockoutDuration, cancellationToken).ConfigureAwait(false);
            return failures >= MaxFailures
                ? (SignInOutcome.LockedOut, user with { LockedUntil = now + LockoutDuration })
                : (SignInOutcome.Failed, user);
        }
        await users.RecordSignInAsync(user.Login, cancellationToken).ConfigureAwait(false);
        return (SignInOutcome.SignedIn, user);
    }

    public static Task SignInAsync(HttpContext http, WebUser user) =>
        http.SignInAsync(Scheme, new WebPerson(user.Login, user.DisplayName, user.OrganizationId, user.Role).ToPrincipal(),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });

    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(null!, "not a password of anyone"));
}
