using EdgeLab.Instruments.Message.Hl7;
using FsCheck;
using FsCheck.Fluent;

namespace EdgeLab.Instruments.Tests.Hl7;

/// <summary>
/// Random and mutated bytes into the HL7 parser and decoder: the only failure is <see cref="Hl7Exception"/> (or a
/// failed <see cref="Hl7DecodeResult"/>), and allocation stays proportional to the input.
/// </summary>
public sealed class Hl7FuzzTests
{
    private static readonly byte[] Interesting = [.. "|^~\\&\r\nMSHOBXPIDOBRNTESPM0123456789.\"XF"u8, 0x0B, 0x1C, 0x00, 0xD0, 0xFF, 0xE2, 0x80];

    private static Gen<byte[]> StructuredBytes =>
        Gen.Frequency(
            (3, Gen.Elements(Interesting)),
            (1, Gen.Choose(0, 255).Select(i => (byte)i)))
        .ArrayOf()
        .Select(body => (byte[])[.. "MSH|^~\\&|"u8, .. body]);

    private static Gen<byte[]> Mutated(byte[] seed) =>
        Gen.Choose(1, 12).SelectMany(count =>
            Gen.Zip(Gen.Choose(0, seed.Length - 1), Gen.Elements(Interesting)).ArrayOf(count).Select(edits =>
            {
                var copy = (byte[])seed.Clone();
                foreach (var (at, b) in edits) copy[at] = b;
                return copy;
            }));

    private static Gen<byte[]> AnyBytes => Gen.Choose(0, 255).Select(i => (byte)i).ArrayOf();

    private static void ParseAndReadEverything(byte[] bytes)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            var m = Hl7Message.Parse(bytes);
            for (var s = 0; s < m.SegmentCount; s++)
            {
                foreach (var field in m[s].Fields)
                {
                    for (var r = 0; r < Math.Min(field.RepetitionCount, 4); r++)
                    {
                        var rep = field.Repetition(r);
                        _ = rep.ToString();
                        _ = rep.Component(2).Subcomponent(2).ToString();
                    }
                }
            }
        }
        catch (Hl7Exception e)
        {
            Assert.NotNull(e.Error);
        }
        var decoded = Hl7MessageDecoder.Decode(bytes, Hl7TestData.Mindray, TimeZoneInfo.Utc);
        Assert.True(decoded.Succeeded ^ decoded.Error is not null);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 256L * bytes.Length + 256 * 1024, $"{allocated} bytes allocated for {bytes.Length} bytes of input");
    }

    [Fact]
    public void Random_bytes_never_throw_anything_but_the_typed_error() =>
        Prop.ForAll(AnyBytes.ToArbitrary(), ParseAndReadEverything).QuickCheckThrowOnFailure();

    [Fact]
    public void Structured_random_bytes_never_throw_anything_but_the_typed_error() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(StructuredBytes.ToArbitrary(), ParseAndReadEverything));

    [Fact]
    public void Mutated_Mindray_sample_never_throws_anything_but_the_typed_error() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(Mutated(Hl7TestData.MindraySampleCr).ToArbitrary(), ParseAndReadEverything));
}
