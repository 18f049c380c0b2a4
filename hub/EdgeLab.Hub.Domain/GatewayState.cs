namespace EdgeLab.Hub.Domain;

/// <summary>
/// A gateway's standing in the registry (column <c>gateway.state</c>, migration 0004). Only an
/// <see cref="Enabled"/> gateway's results are stored; anything from a disabled, revoked or unknown
/// gateway is held as a provenance violation (DESIGN.md, guarantee 7).
/// </summary>
public enum GatewayState
{
    /// <summary>Registered and allowed to send results for its lab's specimens.</summary>
    Enabled,

    /// <summary>Shut out for now (a box sent for repair, a lab closed); can be enabled again.</summary>
    Disabled,

    /// <summary>Its certificate is withdrawn for good; the id is never enabled again.</summary>
    Revoked,

    /// <summary>
    /// Enrolled (<c>gateways enrol</c>) with a valid certificate but not yet accepted by regional IT (issue 12 §1, Mender's
    /// device acceptance): it may announce itself on its status topic, nothing it sends is stored. Accept → enabled,
    /// reject → revoked.
    /// </summary>
    Pending,
}
