using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Message.Hl7;

namespace EdgeLab.Fuzz.Targets;

/// <summary>
/// The HL7 v2 parser and result decoder (Message/Hl7 <see cref="Hl7MessageDecoder"/>) under each HL7 profile. Bad input
/// comes back as a typed <see cref="Hl7Error"/>; the decoder promises never to throw.
/// </summary>
/// <remarks>The first byte of an input picks the profile (modulo their count), the rest is the message: one decode per input.</remarks>
internal sealed class Hl7Target(RepositoryFiles files) : IFuzzTarget
{
    private readonly IReadOnlyList<Hl7DialectSettings> _dialects = InstrumentProfiles.Load(files, "hl7").Select(Hl7DialectSettings.From).ToList();

    public string Name => "hl7";

    public string Description => $"HL7 v2 messages (Message/Hl7 Hl7MessageDecoder; byte 0 picks one of {_dialects.Count} HL7 profiles); bad input: an Hl7Error result (no exception)";

    /// <summary>Every sample message under every profile.</summary>
    public IEnumerable<(string Name, byte[] Bytes)> Seeds(RepositoryFiles files) =>
        from sample in files.Files(files.Samples("hl7"), "*.hl7")
        from dialect in Enumerable.Range(0, _dialects.Count)
        select ($"{sample.Name}.{dialect}", (byte[])[(byte)dialect, .. sample.Bytes]);

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        var result = Hl7MessageDecoder.Decode(input[1..].ToArray(), _dialects[input[0] % _dialects.Count], TimeZoneInfo.Utc);
        if (result.Message is null == result.Error is null)
            throw new FuzzInvariantException("HL7 decode gave neither or both of a message and an error");
    }
}
