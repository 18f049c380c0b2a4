using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Message.Hl7;

namespace EdgeLab.Fuzz.Targets;

/// <summary>
/// The HL7 v2 parser and result decoder (Message/Hl7 <see cref="Hl7MessageDecoder"/>) under each HL7 profile. Bad input
/// comes back as a typed <see cref="Hl7Error"/>; the decoder promises never to throw.
/// </summary>
internal sealed class Hl7Target(RepositoryFiles files) : IFuzzTarget
{
    private readonly IReadOnlyList<Hl7DialectSettings> _dialects = InstrumentProfiles.Load(files, "hl7").Select(Hl7DialectSettings.From).ToList();

    public string Name => "hl7";

    public string Description => $"HL7 v2 messages (Message/Hl7 Hl7MessageDecoder, {_dialects.Count} HL7 profiles); bad input: an Hl7Error result (no exception)";

    public IEnumerable<(string Name, byte[] Bytes)> Seeds(RepositoryFiles files) => files.Files(files.Samples("hl7"), "*.hl7");

    public void Run(ReadOnlySpan<byte> input)
    {
        var message = new ReadOnlyMemory<byte>(input.ToArray());
        foreach (var dialect in _dialects)
        {
            var result = Hl7MessageDecoder.Decode(message, dialect, TimeZoneInfo.Utc);
            if (result.Message is null == result.Error is null)
                throw new FuzzInvariantException("HL7 decode gave neither or both of a message and an error");
        }
    }
}
