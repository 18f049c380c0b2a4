using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Message.Lis2;

namespace EdgeLab.Instruments.Application.Astm;

/// <summary>
/// What one complete LIS02-A2 message (H…L, as the link hands it up) means for the gateway: the outbox entries it
/// becomes, the host query it asks, or why it is quarantined. Pure, and the one place that decides: the live link
/// (<see cref="AstmMessageProcessor"/>) commits <see cref="Parts"/> and <c>decode</c> prints exactly them
/// (issue 10: decode and run had drifted apart — a message with results and Q records was printed by one and
/// dropped by the other).
/// </summary>
/// <param name="Parts">One outbox entry per order (specimen); a message without orders still gives one empty entry,
/// so its transcript is kept. Empty for a message that only asks a host query.</param>
/// <param name="Decoded">The decoder's full result (queries, delimiters); null when <paramref name="Error"/> is set.</param>
/// <param name="Error">The message is not valid LIS02-A2 under the profile: it is quarantined with this error.</param>
internal sealed record AstmInterpretation(IReadOnlyList<DecodedMessage> Parts, Lis2DecodeResult? Decoded, Lis2FormatException? Error)
{
    public IReadOnlyList<Lis2HostQuery> Queries => Decoded?.Queries ?? [];
}

/// <summary>Turns a complete LIS02-A2 message into an <see cref="AstmInterpretation"/> under an instrument profile.</summary>
internal static class AstmMessageInterpreter
{
    public static AstmInterpretation Interpret(ReadOnlySpan<byte> text, InstrumentProfile profile, TimeZoneInfo siteZone)
    {
        Lis2DecodeResult decoded;
        try
        {
            decoded = Lis2DialectDecoder.Decode(text, profile, siteZone);
        }
        catch (Lis2FormatException e)
        {
            return new AstmInterpretation([], null, e);
        }
        // A message that is only a question (H, Q…, L) is answered, not kept as a result. One that also carries orders
        // or results (some analyzers send QC lot data with Q records) is kept like any other: issue 10 item 1 found
        // such a message ACKed, answered L|1|I and written nowhere. Nothing is ACKed and not kept.
        if (decoded.Messages.Count > 0)
            return new AstmInterpretation(decoded.Messages, decoded, null);
        if (decoded.Queries.Count > 0)
            return new AstmInterpretation([], decoded, null);
        // A message without orders (e.g. H, M…, L) is still kept: its transcript is the record of what was sent.
        return new AstmInterpretation([new DecodedMessage { Profile = profile.Name, Kind = SpecimenKinds.Patient, Results = [] }], decoded, null);
    }
}
