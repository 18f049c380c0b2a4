using System.Text;
using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Outbound;

namespace EdgeLab.Gateway.Tests.Support;

/// <summary>Synthetic analyzer messages (no real patient data) as a link layer hands them to the outbox.</summary>
internal static class TestMessages
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    public static ReceivedMessage Result(string instrumentId, string specimenId, string value = "5.2", DateTimeOffset? at = null, string code = "WBC")
    {
        var when = at ?? T0;
        var text = $"\u0005\u00021H|\\^&|||XN^00-1|||||||P|1\r\u00031A\r\n\u00022O|1||{specimenId}\r\u00032B\r\n\u00023R|1|^^^^{code}|{value}|10*3/uL\r\u00033C\r\n\u0004";
        return new ReceivedMessage
        {
            InstrumentId = instrumentId,
            Profile = "sysmex-xn",
            Protocol = "astm",
            ReceivedAt = when,
            Transcript = new Transcript(
            [
                new TranscriptChunk(when.AddMilliseconds(-20), TranscriptDirection.FromInstrument, Encoding.ASCII.GetBytes(text)),
                new TranscriptChunk(when, TranscriptDirection.ToInstrument, new byte[] { 0x06 }),
            ]),
            Decoded = new DecodedMessage
            {
                Profile = "sysmex-xn",
                SpecimenId = specimenId,
                PatientId = "PAT-SYNTH-1",
                Kind = "patient",
                Results = [new DecodedResult { Code = code, Value = value, Numeric = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), Units = "10*3/uL", Status = "F" }],
            },
        };
    }

    public static ReceivedMessage Garbage(string instrumentId, string error = "record 2: O record before any P record (byte 31)")
    {
        var bytes = Encoding.ASCII.GetBytes("\u00021H|\\^&\r\u00022O|1|BROKEN\r\u0003");
        return new ReceivedMessage
        {
            InstrumentId = instrumentId,
            Profile = "sysmex-xn",
            Protocol = "astm",
            ReceivedAt = T0,
            Transcript = new Transcript([new TranscriptChunk(T0, TranscriptDirection.FromInstrument, bytes)]),
            DecodeError = error,
        };
    }
}
