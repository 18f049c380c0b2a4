using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Message.Lis2;
using EdgeLab.Instruments.Message.Lis2.Capture;

namespace EdgeLab.Fuzz.Targets;

/// <summary>
/// The LIS02-A2 record parser (Message/Lis2 <see cref="Lis2MessageParser"/>) driven through the dialect decoder, which
/// reads every field a profile names (ids, codes, values, flags, dates, comments, queries), under each ASTM profile.
/// </summary>
internal sealed class Lis2RecordTarget(RepositoryFiles files) : IFuzzTarget
{
    private readonly IReadOnlyList<InstrumentProfile> _profiles = InstrumentProfiles.Load(files, "astm");

    public string Name => "lis2-records";

    public string Description => $"LIS02-A2 records (Message/Lis2 via Dialect/Lis2DialectDecoder, {_profiles.Count} ASTM profiles); bad input: Lis2FormatException";

    /// <summary>The record text of the sample captures (their frames joined), one message per file.</summary>
    public IEnumerable<(string Name, byte[] Bytes)> Seeds(RepositoryFiles files)
    {
        foreach (var (name, wire) in files.Files(files.Samples("astm"), "*.astm"))
        {
            var text = new byte[wire.Length];
            int length;
            try { length = AstmFrameScanner.Join(wire, text, tolerateBareLineEnds: true, null, out _); }
            catch (CaptureFormatException) { continue; }
            yield return (Path.ChangeExtension(name, ".lis2"), text[..length]);
        }
    }

    public void Run(ReadOnlySpan<byte> input)
    {
        foreach (var profile in _profiles)
        {
            try { Lis2DialectDecoder.Decode(input, profile, TimeZoneInfo.Utc); }
            catch (Lis2FormatException) { }
        }
    }
}
