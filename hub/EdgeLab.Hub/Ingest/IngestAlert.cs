using EdgeLab.Contract;
using EdgeLab.Hub.Linking;

namespace EdgeLab.Hub.Ingest;

/// <summary>
/// Something an operator must look at, raised by a batch: written as a <c>gateway_event</c> row in the batch's
/// transaction (the fleet view lists them) and logged at Warning after commit. Text names gateways, labs and message
/// ids only — never patient data.
/// </summary>
internal sealed record IngestAlert(string Type, string GatewayId, MessageId MessageId, string Text)
{
    /// <summary>A gateway started a new outbox epoch: a reinstall or a replaced store. Accepted and recorded.</summary>
    public const string NewEpoch = "alert-new-epoch";

    /// <summary>A new message of an epoch came with a sequence far below the highest already seen in it.</summary>
    public const string SequenceRegression = "alert-sequence-regression";

    /// <summary>A processed message id came again with other bytes; quarantined (<c>IdReused</c>).</summary>
    public const string IdReused = "alert-id-reused";

    /// <summary>A result from a sender not entitled to write it; held in <c>provenance_violation</c>.</summary>
    public const string ProvenanceViolation = "alert-provenance-violation";

    /// <summary>The alert as a gateway event row of the sending gateway.</summary>
    public IngestEnvelope ToEnvelope(DateTimeOffset at) => new()
    {
        Kind = EnvelopeKind.Event,
        Topic = Topics.Events(GatewayId),
        GatewayId = GatewayId,
        MessageId = MessageId,
        Event = new EventMessage { MessageId = MessageId.ToString(), GatewayId = GatewayId, Sequence = MessageId.Sequence, Type = Type, At = at, Text = Text },
        ReceivedAt = at,
    };
}
