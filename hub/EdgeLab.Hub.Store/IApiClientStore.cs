using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>Persistence of API client systems; token generation and hashing belong to the auth layer.</summary>
public interface IApiClientStore
{
    /// <summary>Adds a client; throws <see cref="StoreValidationException"/> if the id exists or the organization does not.</summary>
    Task AddApiClientAsync(ApiClient client, CancellationToken cancellationToken = default);

    /// <summary>
    /// The client with this token hash (hex SHA-256), revoked or expired ones included (the caller refuses those and
    /// audits the attempt under the client's id), or null.
    /// </summary>
    Task<ApiClient?> FindApiClientByTokenHashAsync(string tokenSha256, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ApiClient>> ListApiClientsAsync(CancellationToken cancellationToken = default);

    /// <summary>False when no such client.</summary>
    Task<bool> RevokeApiClientAsync(string clientId, DateTimeOffset at, CancellationToken cancellationToken = default);
}
