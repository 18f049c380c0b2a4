using System.Security.Cryptography;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Linking;

namespace EdgeLab.Hub.Ingest;

/// <summary>
/// Decides what an uplink payload is: a result, event or status of a known schema whose ids agree with the topic, or
/// something to quarantine (not JSON, unknown schema, over the size limit, inconsistent). Pure: bytes in, envelope out.
/// </summary>
internal static class PayloadTriage
{
    public const int DefaultMaxPayloadBytes = WireLimits.MaxUplinkPayloadBytes;

    /// <summary>Null when the topic is not a gateway topic the hub reads (the message is then only PUBACKed).</summary>
    public static IngestEnvelope? Triage(string topic, ReadOnlyMemory<byte> payload, string? userPropertyMessageId, DateTimeOffset receivedAt, int maxPayloadBytes = DefaultMaxPayloadBytes)
    {
        if (!Topics.TryParse(topic, out var gatewayId, out var leaf)) return null;
        // …/results/stat carries the same ResultMessage as …/results; only the session it arrives on differs (issue 10).
        if (leaf == Topics.StatResultsLeaf) leaf = "results";
        if (leaf is not ("results" or "events" or "status")) return null;
        MessageId? propertyId = Contract.MessageId.TryParse(userPropertyMessageId, out var pid) && pid.GatewayId == gatewayId ? pid : null;

        IngestEnvelope Quarantine(QuarantineReason reason, string detail) => new()
        {
            Kind = EnvelopeKind.Quarantine,
            Topic = topic,
            GatewayId = gatewayId,
            MessageId = propertyId,
            QuarantineReason = reason,
            QuarantineDetail = detail,
            RawPayload = payload.Length > maxPayloadBytes ? payload[..maxPayloadBytes] : payload,
            RawLength = payload.Length,
            ReceivedAt = receivedAt,
        };

        if (payload.Length > maxPayloadBytes)
            return Quarantine(QuarantineReason.TooLarge, $"payload of {payload.Length} bytes exceeds the limit of {maxPayloadBytes}");
        var schema = WireJson.PeekSchema(payload.Span);
        if (schema is null)
            return IsJson(payload.Span)
                ? Quarantine(QuarantineReason.UnknownSchema, "JSON without a 'schema' field")
                : Quarantine(QuarantineReason.NotJson, "payload is not JSON");
        var expected = leaf switch { "results" => Schemas.Result, "events" => Schemas.Event, _ => Schemas.Status };
        if (schema != expected)
            return Quarantine(QuarantineReason.UnknownSchema, $"schema '{Truncate(schema)}' on …/{leaf}; this hub reads '{expected}'");
        if (ContainsNul(payload.Span))
            return Quarantine(QuarantineReason.Invalid, "a text field contains U+0000, which PostgreSQL text cannot store; the gateway's decoding let a NUL byte through");
        try
        {
            switch (leaf)
            {
                case "results":
                    {
                        var m = JsonSerializer.Deserialize(payload.Span, WireJson.Default.ResultMessage)!;
                        if (!TryId(m.MessageId, m.GatewayId, m.Sequence, gatewayId, out var id, out var why)) return Quarantine(QuarantineReason.Invalid, why);
                        propertyId = id;
                        if (PayloadValidation.Check(m) is { } problem) return Quarantine(QuarantineReason.Invalid, problem);
                        return new IngestEnvelope { Kind = EnvelopeKind.Result, Topic = topic, GatewayId = gatewayId, MessageId = id, Result = m, RawPayload = payload, PayloadSha256 = Sha256(payload.Span), RawLength = payload.Length, ReceivedAt = receivedAt };
                    }
                case "events":
                    {
                        var m = JsonSerializer.Deserialize(payload.Span, WireJson.Default.EventMessage)!;
                        if (!TryId(m.MessageId, m.GatewayId, m.Sequence, gatewayId, out var id, out var why)) return Quarantine(QuarantineReason.Invalid, why);
                        propertyId = id;
                        if (PayloadValidation.Check(m) is { } problem) return Quarantine(QuarantineReason.Invalid, problem);
                        return new IngestEnvelope { Kind = EnvelopeKind.Event, Topic = topic, GatewayId = gatewayId, MessageId = id, Event = m, RawPayload = payload, PayloadSha256 = Sha256(payload.Span), RawLength = payload.Length, ReceivedAt = receivedAt };
                    }
                default:
                    {
                        var m = JsonSerializer.Deserialize(payload.Span, WireJson.Default.StatusMessage)!;
                        if (m.GatewayId != gatewayId) return Quarantine(QuarantineReason.Invalid, $"status names gateway '{Truncate(m.GatewayId)}' on the topic of '{gatewayId}'");
                        if (PayloadValidation.Check(m) is { } problem) return Quarantine(QuarantineReason.Invalid, problem);
                        return new IngestEnvelope { Kind = EnvelopeKind.Status, Topic = topic, GatewayId = gatewayId, Status = m, RawPayload = payload, RawLength = payload.Length, ReceivedAt = receivedAt };
                    }
            }
        }
        catch (JsonException ex)
        {
            return Quarantine(QuarantineReason.Invalid, $"does not match {expected}: {Truncate(ex.Message, 200)}");
        }
    }

    private static bool TryId(string? messageId, string? gw, long sequence, string topicGateway, out MessageId id, out string why)
    {
        why = "";
        if (!Contract.MessageId.TryParse(messageId, out id)) { why = "messageId: missing or not 'gateway:epoch:sequence'"; return false; }
        if (gw != topicGateway || id.GatewayId != topicGateway) { why = $"gateway in payload/messageId differs from the topic's '{topicGateway}'"; return false; }
        if (id.Sequence != sequence) { why = "messageId sequence differs from the sequence field"; return false; }
        return true;
    }

    /// <summary>SHA-256 (hex) of the payload as received: a resend is byte-identical (the gateway publishes the stored row).</summary>
    private static string Sha256(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload));

    /// <summary>
    /// Whether a JSON string holds U+0000. JSON carries it only as the escape <c>\u0000</c> (a raw control byte is not
    /// valid JSON); a backslash before it that is itself escaped (<c>\\u0000</c>, the letters) does not count.
    /// Checked on the raw bytes: a vectorized search, no second parse of every payload.
    /// </summary>
    private static bool ContainsNul(ReadOnlySpan<byte> json)
    {
        var offset = 0;
        while (true)
        {
            var at = json[offset..].IndexOf("\\u0000"u8);
            if (at < 0) return false;
            at += offset;
            var backslashes = 0;
            for (var i = at - 1; i >= 0 && json[i] == (byte)'\\'; i--) backslashes++;
            if (backslashes % 2 == 0) return true;
            offset = at + 1;
        }
    }

    private static bool IsJson(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            while (reader.Read()) { }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Truncate(string? text, int max = 64) => text is null ? "" : text.Length <= max ? text : text[..max] + "…";
}
