using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Link.Astm;
using EdgeLab.Instruments.Message.Lis2;

namespace EdgeLab.Fuzz.Targets;

/// <summary>
/// The LIS02-A2 record parser (Message/Lis2 <see cref="Lis2MessageParser"/>) driven through the dialect decoder, which
/// reads every field a profile names (ids, codes, values, flags, dates, comments, queries), under each ASTM profile.
/// </summary>
/// <remarks>
/// The first byte of an input picks the profile (modulo their count) and the rest is the message: one decode per
/// input, where decoding every input under all 18 profiles made this target 18 times slower than afl-fuzz needs.
/// </remarks>
internal sealed class Lis2RecordTarget(RepositoryFiles files) : IFuzzTarget
{
    private readonly IReadOnlyList<InstrumentProfile> _profiles = InstrumentProfiles.Load(files, "astm");

    public string Name => "lis2-records";

    public string Description => $"LIS02-A2 records (Message/Lis2 via Dialect/Lis2DialectDecoder; byte 0 picks one of {_profiles.Count} ASTM profiles); bad input: Lis2FormatException";

    /// <summary>
    /// The record text of the sample captures' messages (their frames joined), each under two profiles in turn, so
    /// every profile gets seeds without afl-fuzz calibrating hundreds of them.
    /// </summary>
    public IEnumerable<(string Name, byte[] Bytes)> Seeds(RepositoryFiles files)
    {
        var next = 0;
        foreach (var (name, wire) in files.Files(files.Samples("astm"), "*.astm"))
        {
            IReadOnlyList<AstmCapturedMessage> messages;
            try { messages = AstmCaptureDecoder.Decode(wire, tolerateBareLineEnds: true); }
            catch (AstmProtocolException) { continue; }
            for (var i = 0; i < messages.Count; i++)
            {
                for (var k = 0; k < 2; k++, next = (next + 1) % _profiles.Count)
                    yield return (Path.ChangeExtension(name, $".{i}.{next}.lis2"), [(byte)next, .. messages[i].Text.Span]);
            }
        }
    }

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        try { Lis2DialectDecoder.Decode(input[1..], _profiles[input[0] % _profiles.Count], TimeZoneInfo.Utc); }
        catch (Lis2FormatException) { }
    }
}
