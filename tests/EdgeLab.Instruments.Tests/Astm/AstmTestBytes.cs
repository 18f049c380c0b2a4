using System.Text;
using EdgeLab.Instruments.Link.Astm;

namespace EdgeLab.Instruments.Tests.Astm;

/// <summary>Builds wire bytes for tests: frames with correct or deliberately wrong envelopes.</summary>
internal static class AstmTestBytes
{
    public const byte Enq = 0x05, Stx = 0x02, Etx = 0x03, Eot = 0x04, Ack = 0x06, Nak = 0x15, Etb = 0x17, Cr = 0x0D, Lf = 0x0A;

    public static byte[] Frame(int frameNumber, string text, bool isFinal = true) =>
        AstmFrameBuilder.Build(frameNumber, Encoding.Latin1.GetBytes(text), isFinal);

    /// <summary>A frame with checksum digits replaced by <paramref name="checksum"/> (e.g. wrong, or lower-case).</summary>
    public static byte[] FrameWithChecksum(int frameNumber, string text, string checksum, bool isFinal = true)
    {
        var frame = Frame(frameNumber, text, isFinal);
        frame[^4] = (byte)checksum[0];
        frame[^3] = (byte)checksum[1];
        return frame;
    }

    /// <summary>A frame ending in LF only or CR only, as some captures have it.</summary>
    public static byte[] FrameWithBareEnd(int frameNumber, string text, byte end, bool isFinal = true)
    {
        var frame = Frame(frameNumber, text, isFinal);
        var bare = frame[..^1];
        bare[^1] = end;
        return bare;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static string Latin1(ReadOnlyMemory<byte> bytes) => Encoding.Latin1.GetString(bytes.Span);

    /// <summary>The sample captures, from the test output folder.</summary>
    public static string SamplePath(string name) => Path.Combine(AppContext.BaseDirectory, "samples", "astm", name);

    public static IEnumerable<string> SampleNames() =>
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "samples", "astm"), "*.astm").Select(Path.GetFileName).Order()!;

    /// <summary>senaite captures lost the CR or LF of the frame end; they need the tolerant reader.</summary>
    public static bool NeedsTolerance(string name) => name.StartsWith("roche_", StringComparison.Ordinal)
        || name.StartsWith("horiba_pentra", StringComparison.Ordinal)
        || name.StartsWith("sysmex_", StringComparison.Ordinal)
        || name.StartsWith("cepheid_", StringComparison.Ordinal);
}
