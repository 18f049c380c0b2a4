using EdgeLab.Contract;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Linking;

namespace EdgeLab.Hub.Tests.Support;

/// <summary>Uplink messages as a gateway sends them, and their triage as the hub sees them.</summary>
internal static class Messages
{
    public static readonly DateTimeOffset At = new(2026, 11, 21, 8, 30, 0, TimeSpan.Zero);

    /// <summary>The outbox epoch of the test gateway's store (a real gateway makes a random one).</summary>
    public const string Epoch = "00000000000000e1";

    public static ResultMessage Cbc(long sequence, string? specimenId, string gateway = TestHub.Gateway, string hgb = "13.5", string status = "F", string wbc = "6.1", DateTimeOffset? completed = null, string? epoch = Epoch) => new()
    {
        MessageId = new MessageId(gateway, epoch, sequence).ToString(),
        GatewayId = gateway,
        Sequence = sequence,
        InstrumentId = "xn-550-1",
        Profile = "sysmex-xn",
        Protocol = "astm",
        Kind = "patient",
        SpecimenId = specimenId,
        ReceivedAt = completed ?? At,
        TranscriptSha256 = new string('a', 64),
        Results =
        [
            new ResultItem { Code = "WBC", Value = wbc, Units = "10*3/uL", Status = status, CompletedAt = completed ?? At },
            new ResultItem { Code = "HGB", Value = hgb, Units = "g/dL", Status = status, CompletedAt = completed ?? At, Flags = [] },
            new ResultItem { Code = "PLT", Value = "250", Units = "10*3/uL", Status = status, CompletedAt = completed ?? At },
        ],
    };

    public static byte[] Json(ResultMessage m) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(m, WireJson.Default.ResultMessage);

    public static IngestEnvelope Envelope(ResultMessage m) =>
        PayloadTriage.Triage(Topics.Results(m.GatewayId), Json(m), m.MessageId, At.AddSeconds(1))!;

    public static IngestEnvelope Raw(string leaf, byte[] payload, string? messageIdProperty, string gateway = TestHub.Gateway, int maxBytes = PayloadTriage.DefaultMaxPayloadBytes) =>
        PayloadTriage.Triage($"{Topics.Root}/{gateway}/{leaf}", payload, messageIdProperty, At.AddSeconds(1), maxBytes)!;
}
