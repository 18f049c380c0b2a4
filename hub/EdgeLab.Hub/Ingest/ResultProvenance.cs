using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Linking;

namespace EdgeLab.Hub.Ingest;

/// <summary>A registered gateway as a batch sees it: its lab and standing (loaded once per batch, one query).</summary>
internal sealed record GatewayEntry(string LabId, GatewayState State);

/// <summary>
/// Who may write a result (DESIGN.md guarantee 7, issue 9 "Result provenance"): a registered, enabled gateway, for a
/// specimen its own lab performs. Pure; the writer turns a refusal into a <see cref="ProvenanceViolation"/>.
/// </summary>
internal static class ResultProvenance
{
    /// <summary>Null when the gateway may write results for <paramref name="specimen"/> (or for an unknown specimen, which is held as unmatched under its lab).</summary>
    /// <param name="receivingLabs">The labs the specimen was sent to that have received it (accepted Tasks); null = none.</param>
    public static (ProvenanceReason Reason, string Detail)? Check(string gatewayId, GatewayEntry? gateway, SpecimenLink? specimen, IReadOnlySet<string>? receivingLabs = null) => gateway switch
    {
        null => (ProvenanceReason.UnregisteredGateway, $"gateway '{gatewayId}' is not registered (edgelab-hub gateways add)"),
        { State: GatewayState.Disabled } => (ProvenanceReason.GatewayDisabled, $"gateway '{gatewayId}' is disabled"),
        { State: GatewayState.Revoked } => (ProvenanceReason.GatewayRevoked, $"gateway '{gatewayId}' is revoked"),
        { State: GatewayState.Pending } => (ProvenanceReason.GatewayPending, $"gateway '{gatewayId}' is pending: not yet accepted (edgelab-hub gateways accept)"),
        _ when specimen is not null && !MayWriteFor(gateway.LabId, specimen, receivingLabs) =>
            (ProvenanceReason.ForeignSpecimen, $"the specimen is performed by lab '{specimen.PerformingLabId}', gateway '{gatewayId}' belongs to lab '{gateway.LabId}'"),
        _ => null,
    };

    /// <summary>
    /// Whether a gateway of <paramref name="labId"/> may report results for the specimen: the performing lab, or a lab
    /// the tube was sent to once that lab has received it (DESIGN.md guarantee 7; issue 15 §1). A lab it was sent to
    /// but that has not received it yet, or a third lab, is refused.
    /// </summary>
    public static bool MayWriteFor(string labId, SpecimenLink specimen, IReadOnlySet<string>? receivingLabs = null) =>
        string.Equals(labId, specimen.PerformingLabId, StringComparison.Ordinal) || (receivingLabs?.Contains(labId) ?? false);

    public static GatewayState ParseState(string? state) => state switch
    {
        "enabled" => GatewayState.Enabled,
        "revoked" => GatewayState.Revoked,
        "pending" => GatewayState.Pending,
        // Anything unknown is treated as shut out: a typo must not open the door.
        _ => GatewayState.Disabled,
    };
}
