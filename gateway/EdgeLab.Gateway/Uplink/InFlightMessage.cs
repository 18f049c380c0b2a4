using EdgeLab.Gateway.Outbox;

namespace EdgeLab.Gateway.Uplink;

/// <summary>An outbox row the uplink has published and the hub has not acknowledged end to end yet.</summary>
internal sealed class InFlightMessage(OutboxRow row)
{
    public OutboxRow Row { get; } = row;

    /// <summary>Chosen once when it is first published; resends keep it, so a key's rows stay on one topic.</summary>
    public required string Topic { get; init; }

    /// <summary>When it was last handed to the MQTT client; the ack timeout counts from here.</summary>
    public DateTimeOffset SentAt { get; set; }

    /// <summary>Handed to the client, PUBACK not yet received (counts against the broker's Receive Maximum).</summary>
    public bool AwaitingPubAck { get; set; }

    /// <summary>The broker has PUBACKed it at least once (the trace's "published" step is written once).</summary>
    public bool PubAcked { get; set; }

    /// <summary>Send again at the next chance: session lost, refused, or possibly lost in a broker crash.</summary>
    public bool NeedsResend { get; set; }

    public int Attempts { get; set; }
}

/// <param name="Outcome">Null when the client threw <paramref name="Error"/>.</param>
internal readonly record struct PubAckOutcome(long Sequence, EdgeLab.Mqtt.MqttPublishResult? Outcome, Exception? Error);
