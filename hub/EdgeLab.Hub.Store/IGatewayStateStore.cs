using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Store;

/// <summary>
/// A gateway's standing in the registry (<see cref="GatewayState"/>, migration 0004): who may publish at the broker
/// (hub/ARCHITECTURE.md "Device trust") and whose results ingest stores.
/// </summary>
public interface IGatewayStateStore
{
    /// <summary>
    /// Sets a registered gateway's state and writes an audit entry in the same transaction. Revoked is final: enabling
    /// or disabling a revoked gateway is refused with <see cref="StoreValidationException"/>; so is an unknown id.
    /// Setting the state it already has changes nothing and returns false.
    /// </summary>
    Task<bool> ChangeStateAsync(GatewayStateChange change, CancellationToken cancellationToken = default);

    /// <summary>Every registered gateway with its lab and state, ordered by id.</summary>
    Task<IReadOnlyList<GatewayStanding>> ListAsync(CancellationToken cancellationToken = default);
}

/// <param name="Actor">Who asked, for the audit trail (e.g. <c>cli:root</c>).</param>
/// <param name="From">When set, the change applies only to a gateway in this state (accept/reject: <see cref="GatewayState.Pending"/>).</param>
public sealed record GatewayStateChange(string GatewayId, GatewayState State, string? Reason, string Actor, GatewayState? From = null);

public sealed record GatewayStanding(string GatewayId, string LabId, GatewayState State, DateTimeOffset? StateChanged, string? StateReason);
