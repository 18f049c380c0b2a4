using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>Organizations (with their webhook) and gateways (with the lab they serve and their last status).</summary>
public interface IDirectoryStore
{
    /// <summary>Adds or updates (name, kind, webhook) an organization.</summary>
    Task UpsertOrganizationAsync(Organization organization, CancellationToken cancellationToken = default);

    Task<Organization?> GetOrganizationAsync(string organizationId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Organization>> ListOrganizationsAsync(CancellationToken cancellationToken = default);

    /// <summary>Registers which lab a gateway serves (or moves it to another lab). The lab must exist.</summary>
    Task UpsertGatewayAsync(string gatewayId, string labId, CancellationToken cancellationToken = default);

    Task<GatewayRecord?> GetGatewayAsync(string gatewayId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<GatewayRecord>> ListGatewaysAsync(string? labId = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<GatewayEvent>> ListGatewayEventsAsync(string gatewayId, int count = 100, CancellationToken cancellationToken = default);
}
