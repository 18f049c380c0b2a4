using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Linking;

namespace EdgeLab.Fuzz.Targets;

/// <summary>
/// The hub's uplink payload triage (hub Ingest/<see cref="PayloadTriage"/>): MQTT payload bytes on a gateway's
/// results, events and status topics become an envelope or a quarantine decision. It promises never to throw: bad
/// payloads are quarantined with a reason.
/// </summary>
internal sealed class PayloadTriageTarget : IFuzzTarget
{
    private const string Gateway = "gw-fuzz-01";
    private static readonly (string Leaf, string Topic)[] Leaves =
        [("results", Topics.Results(Gateway)), ("events", Topics.Events(Gateway)), ("status", Topics.Status(Gateway))];
    private static readonly DateTimeOffset At = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    public string Name => "payload-triage";

    public string Description => "hub uplink JSON payloads (Ingest/PayloadTriage on results, events, status); bad input: a quarantine envelope (no exception)";

    public IEnumerable<(string Name, byte[] Bytes)> Seeds(RepositoryFiles files)
    {
        var result = new ResultMessage
        {
            MessageId = $"{Gateway}:42",
            GatewayId = Gateway,
            Sequence = 42,
            InstrumentId = "xn-550-1",
            Profile = "sysmex-xn",
            Protocol = "astm",
            Kind = "patient",
            SpecimenId = "100000123",
            ReceivedAt = At,
            TranscriptSha256 = new string('a', 64),
            Results =
            [
                new ResultItem { Code = "WBC", Value = "6.1", Units = "10*3/uL", Status = "F", CompletedAt = At, Flags = ["H"] },
                new ResultItem { Code = "HGB", Value = "13.5", Units = "g/dL", Status = "F", CompletedAt = At },
            ],
        };
        yield return ("result.json", JsonSerializer.SerializeToUtf8Bytes(result, WireJson.Default.ResultMessage));
        var ev = new EventMessage
        {
            MessageId = $"{Gateway}:43",
            GatewayId = Gateway,
            Sequence = 43,
            Type = EventTypes.TubeScan,
            InstrumentId = "xn-550-1",
            At = At,
            Text = "scanned",
            Data = new Dictionary<string,
            string>
            { ["barcode"] = "100000123" },
        };
        yield return ("event.json", JsonSerializer.SerializeToUtf8Bytes(ev, WireJson.Default.EventMessage));
        var status = new StatusMessage
        {
            GatewayId = Gateway,
            Online = true,
            At = At,
            Version = "1.0",
            OutboxDepth = 3,
            UptimeSeconds = 12.5,
            Instruments = [new InstrumentLinkState { InstrumentId = "xn-550-1", Profile = "sysmex-xn", State = "up", Since = At }],
        };
        yield return ("status.json", JsonSerializer.SerializeToUtf8Bytes(status, WireJson.Default.StatusMessage));
    }

    public void Run(ReadOnlySpan<byte> input)
    {
        var payload = new ReadOnlyMemory<byte>(input.ToArray());
        foreach (var (leaf, topic) in Leaves)
        {
            var envelope = PayloadTriage.Triage(topic, payload, $"{Gateway}:42", At)
                ?? throw new FuzzInvariantException($"triage ignored a gateway's {leaf} topic");
            if (envelope.Kind == EnvelopeKind.Quarantine && envelope.QuarantineReason is null)
                throw new FuzzInvariantException("quarantine envelope without a reason");
        }
    }
}
