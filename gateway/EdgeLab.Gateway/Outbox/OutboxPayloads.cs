using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Outbound;

namespace EdgeLab.Gateway.Outbox;

/// <summary>Builds the wire payloads (contract messages) stored in outbox rows, once the sequence is known.</summary>
internal static class OutboxPayloads
{
    public static byte[] Result(string gatewayId, string epoch, long sequence, ReceivedMessage message, DecodedMessage decoded, string sha256)
    {
        var results = new ResultItem[decoded.Results.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var r = decoded.Results[i];
            results[i] = new ResultItem
            {
                Code = r.Code,
                Name = r.Name,
                Value = r.Value,
                Numeric = r.Numeric,
                Comparator = r.Comparator,
                Units = r.Units,
                Flags = r.Flags,
                ReferenceRange = r.ReferenceRange,
                Status = r.Status,
                CompletedAt = r.CompletedAt,
                Comments = r.Comments,
            };
        }
        var msg = new ResultMessage
        {
            MessageId = new MessageId(gatewayId, epoch, sequence).ToString(),
            GatewayId = gatewayId,
            Sequence = sequence,
            InstrumentId = message.InstrumentId,
            Profile = decoded.Profile,
            Protocol = message.Protocol,
            Kind = decoded.Kind,
            SpecimenId = decoded.SpecimenId,
            Priority = decoded.Priority,
            PatientId = decoded.PatientId,
            ReceivedAt = message.ReceivedAt,
            TranscriptSha256 = sha256,
            Results = results,
            Comments = decoded.Comments,
        };
        return JsonSerializer.SerializeToUtf8Bytes(msg, WireJson.Default.ResultMessage);
    }

    public static byte[] Event(string gatewayId, string epoch, long sequence, GatewayEvent e) =>
        JsonSerializer.SerializeToUtf8Bytes(new EventMessage
        {
            MessageId = new MessageId(gatewayId, epoch, sequence).ToString(),
            GatewayId = gatewayId,
            Sequence = sequence,
            Type = e.Type,
            InstrumentId = e.InstrumentId,
            At = e.At,
            Text = e.Text,
            Data = e.Data ?? new Dictionary<string, string>(),
        }, WireJson.Default.EventMessage);
}

/// <summary>An event to put through the outbox (link up/down, tube scan, alarm). Text and data carry no patient data.</summary>
internal sealed record GatewayEvent(string Type, string? InstrumentId, DateTimeOffset At, string? Text = null, IReadOnlyDictionary<string, string>? Data = null);
