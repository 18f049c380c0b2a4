using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>People who sign in to the web pages (migration 0030); hashing and lockout policy belong to the web layer.</summary>
public interface IWebUserStore
{
    /// <summary>Adds a person; throws <see cref="StoreValidationException"/> if the login exists or the organization does not.</summary>
    Task AddWebUserAsync(WebUser user, CancellationToken cancellationToken = default);

    Task<WebUser?> GetWebUserAsync(string login, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<WebUser>> ListWebUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>False when no such active person.</summary>
    Task<bool> DisableWebUserAsync(string login, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Records one more wrong password and, once <paramref name="lockAfter"/> are reached, locks until <paramref name="lockedUntil"/>; returns the count.</summary>
    Task<int> RecordFailedSignInAsync(string login, int lockAfter, DateTimeOffset lockedUntil, CancellationToken cancellationToken = default);

    /// <summary>Clears the failure count and lock after a successful sign-in.</summary>
    Task RecordSignInAsync(string login, CancellationToken cancellationToken = default);
}

/// <summary>Tubes taken in at a lab's reception desk (migration 0030).</summary>
public interface ISpecimenReceptionStore
{
    /// <summary>Records the reception; when the tube was received before, nothing is written and the first reception is returned.</summary>
    Task<(SpecimenReception Reception, bool AlreadyReceived)> ReceiveSpecimenAsync(SpecimenReception reception, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SpecimenReception>> ListReceptionsAsync(string labId, int count = 50, CancellationToken cancellationToken = default);
}

/// <summary>The cabinet access code of a referral (migration 0030): the hash of the code printed on its slip.</summary>
public interface IReferralAccessCodeStore
{
    /// <summary>Stores the hash of a newly issued code for the referral, replacing the previous one.</summary>
    Task SetReferralAccessCodeAsync(string referralId, string codeSha256, DateTimeOffset expiresAt, string issuedBy, CancellationToken cancellationToken = default);

    /// <summary>The referral whose current, unexpired code has this hash, or null.</summary>
    Task<string?> FindReferralByAccessCodeAsync(string codeSha256, DateTimeOffset now, CancellationToken cancellationToken = default);
}
