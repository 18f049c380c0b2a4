using System.Text;
using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Message.Lis2;
using EdgeLab.Instruments.Message.Lis2.Capture;
using EdgeLab.Instruments.Tests.CaptureDecode;
using FsCheck;
using FsCheck.Fluent;

namespace EdgeLab.Instruments.Tests.Lis2;

/// <summary>Random and mutated input never makes the record layer throw anything but its typed error.</summary>
public class Lis2FuzzTests
{
    private static readonly byte[] Valid = Encoding.Latin1.GetBytes(
        "H|\\^&|||X^1|||||||P|LIS2-A2|20240101120000\rP|1||PID1||Doe^J||19800101|F\rO|1|S1^2||^^^GLU\\^^^K|R||||||Q||||SERUM\r" +
        "R|1|^^^GLU|<5.1|mmol/L|3.9 to 6.1|L\\A||F||||20240101115900\rC|1|I|a&S&b&X41&|G\rQ|1|^S1\\^S2||ALL||||||||O\rM|1|X|y\rL|1|N\r");

    private static readonly char[] Alphabet = "HPORCQLMS|\\^&`@X0123456789AF.<> \r\n\x02\x17".ToCharArray();

    private static void DecodeOrTypedError(byte[] text)
    {
        try
        {
            Lis2DialectDecoder.Decode(text, Samples.Catalog.Get("generic-lis2"), TimeZoneInfo.Utc);
        }
        catch (Lis2FormatException e)
        {
            Assert.InRange(e.ByteOffset, 0, Math.Max(text.Length, 1));
        }
    }

    [Fact]
    public void Random_bytes_never_throw_anything_but_the_typed_error() =>
        Prop.ForAll<byte[]>(bytes => DecodeOrTypedError(bytes)).QuickCheckThrowOnFailure();

    [Fact]
    public void Random_delimiter_heavy_text_after_a_header_never_throws_anything_else()
    {
        var gen = Gen.ArrayOf(Gen.Elements(Alphabet)).Select(chars => Encoding.Latin1.GetBytes("H|\\^&\r" + new string(chars)));
        Prop.ForAll(Arb.From(gen), DecodeOrTypedError).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Mutated_valid_messages_never_throw_anything_else()
    {
        var gen =
            from count in Gen.Choose(1, 6)
            from edits in Gen.ArrayOf(
                from at in Gen.Choose(0, Valid.Length - 1)
                from with in Gen.Elements(Alphabet)
                from kind in Gen.Choose(0, 2)
                select (at, with, kind), count)
            select Mutate(edits);
        Prop.ForAll(Arb.From(gen), DecodeOrTypedError).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Mutated_wire_captures_never_throw_anything_but_the_capture_error()
    {
        var wire = File.ReadAllBytes(Samples.AstmPath("ortho_vitros3600_results_M_records_repeat_flags.astm"));
        var decoder = new CaptureDecoder(Samples.Catalog.Get("ortho-vitros"), TimeZoneInfo.Utc);
        var gen =
            from at in Gen.Choose(0, wire.Length - 1)
            from b in Gen.Choose(0, 255)
            from cut in Gen.Choose(1, wire.Length)
            select (at, (byte)b, cut);
        Prop.ForAll(Arb.From(gen), t =>
        {
            var copy = wire[..t.cut];
            if (t.at < copy.Length)
                copy[t.at] = t.Item2;
            try
            {
                decoder.Decode(copy);
            }
            catch (CaptureFormatException e)
            {
                Assert.InRange(e.ByteOffset, 0, copy.Length);
            }
        }).QuickCheckThrowOnFailure();
    }

    private static byte[] Mutate((int At, char With, int Kind)[] edits)
    {
        var list = Valid.ToList();
        foreach (var (at, with, kind) in edits)
        {
            var i = Math.Min(at, list.Count - 1);
            if (i < 0)
                break;
            switch (kind)
            {
                case 0: list[i] = (byte)with; break;
                case 1: list.Insert(i, (byte)with); break;
                default: list.RemoveAt(i); break;
            }
        }
        return [.. list];
    }
}
