namespace EdgeLab.Hub.Store;

/// <summary>What an e-mail one-time code is for (migration 0131).</summary>
public enum EmailCodePurpose
{
    /// <summary>Confirms an address a signed-in patient added.</summary>
    Link,
    /// <summary>Signs in by a confirmed address.</summary>
    SignIn,
}

/// <summary>A patient's confirmed e-mail with the consent to notifications (migration 0131).</summary>
public sealed record CabinetEmail(string PatientId, string Address, DateTimeOffset ConfirmedAt, string? ConsentVersion, DateTimeOffset? ConsentAt, DateTimeOffset? WithdrawnAt)
{
    /// <summary>The patient agreed to notifications and has not withdrawn since.</summary>
    public bool Consents => ConsentAt is not null && WithdrawnAt is null;
}

/// <summary>A one-time code challenge as stored: the code only as a hash.</summary>
public sealed record EmailCodeChallenge(string Id, EmailCodePurpose Purpose, string Address, string? PatientId, string CodeSha256, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, int FailedCount, DateTimeOffset? UsedAt);

/// <summary>The patient's e-mail account in the cabinet (issue 14, migration 0131): confirmed addresses, consent, one-time codes.</summary>
public interface ICabinetEmailStore
{
    Task AddEmailCodeAsync(EmailCodeChallenge challenge, string requesterSha256, CancellationToken cancellationToken = default);

    Task<EmailCodeChallenge?> GetEmailCodeAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Codes issued since <paramref name="since"/> to the address and from the requester (for the rate limits).</summary>
    Task<(int ForAddress, int FromRequester)> CountEmailCodesAsync(string address, string requesterSha256, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Counts a wrong code (one statement: two wrong codes sent at once both count); returns the count after it.</summary>
    Task<int> RecordEmailCodeFailureAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Marks the code used; false when it was used already (a code works once, even when sent twice at once).</summary>
    Task<bool> UseEmailCodeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<CabinetEmail?> GetEmailOfPatientAsync(string patientId, CancellationToken cancellationToken = default);

    Task<CabinetEmail?> GetEmailByAddressAsync(string address, CancellationToken cancellationToken = default);

    /// <summary>
    /// Links the address to the patient (replacing the patient's earlier address); with <paramref name="consentVersion"/>
    /// records the consent at <paramref name="at"/>. False when the address belongs to another patient.
    /// </summary>
    Task<bool> LinkEmailAsync(string patientId, string address, DateTimeOffset at, string? consentVersion, CancellationToken cancellationToken = default);

    /// <summary>Records consent (<paramref name="consentVersion"/> not null) or its withdrawal at <paramref name="at"/>.</summary>
    Task SetEmailConsentAsync(string patientId, string? consentVersion, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Patients whose confirmed address consents to notifications.</summary>
    Task<IReadOnlyList<CabinetEmail>> ListConsentingEmailsAsync(CancellationToken cancellationToken = default);
}
