using System.Text;
using EdgeLab.Instruments.Message.Lis2.Capture;

namespace EdgeLab.Instruments.Tests.Lis2;

public class AstmFrameScannerTests
{
    private static byte[] Frame(int fn, string text, bool last = true, string ending = "\r\n", int checksumDelta = 0)
    {
        var body = Encoding.Latin1.GetBytes($"{fn}{text}").Append(last ? AstmFrameScanner.ETX : AstmFrameScanner.ETB).ToArray();
        var sum = (AstmFrameScanner.Checksum(body) + checksumDelta) & 0xFF;
        return [AstmFrameScanner.STX, .. body, .. Encoding.ASCII.GetBytes($"{sum:X2}{ending}")];
    }

    private static (string Text, int Bare) Join(byte[] wire, bool tolerate = false)
    {
        var text = new byte[wire.Length];
        var n = AstmFrameScanner.Join(wire, text, tolerate, null, out var bare);
        return (Encoding.Latin1.GetString(text, 0, n), bare);
    }

    [Fact]
    public void Checksum_is_the_sum_from_frame_number_through_etx_mod_256()
    {
        // From the VITROS capture: <STX>3L|1|N<CR><ETX>06<CR><LF>: 0x33+0x4C+0x7C+0x31+0x7C+0x4E+0x0D+0x03 = 0x206.
        Assert.Equal(0x06, AstmFrameScanner.Checksum("3L|1|N\r\x03"u8));
    }

    [Fact]
    public void Joins_etb_and_etx_frames_and_wraps_frame_numbers()
    {
        var wire = new List<byte> { AstmFrameScanner.ENQ };
        var expected = new StringBuilder();
        for (var i = 1; i <= 17; i++)
        {
            var text = $"part{i};";
            wire.AddRange(Frame(i % 8, text, last: i == 17));
            expected.Append(text);
        }
        wire.Add(AstmFrameScanner.EOT);

        Assert.Equal(expected.ToString(), Join([.. wire]).Text);
    }

    [Fact]
    public void Bad_checksum_on_an_intermediate_frame_names_the_frame_and_offset()
    {
        byte[] wire = [AstmFrameScanner.ENQ, .. Frame(1, "H|\\^&\r", last: false), .. Frame(2, "L|1\r", last: false, checksumDelta: 1), .. Frame(3, "", last: true)];

        var e = Assert.Throws<CaptureFormatException>(() => Join(wire));

        Assert.Equal(2, e.Frame);
        Assert.Contains("checksum mismatch", e.Message, StringComparison.Ordinal);
        Assert.Equal(1 + 13 + 1 + 1 + 4 + 1, e.ByteOffset); // ENQ, frame 1, then STX FN text ETB → first checksum char
    }

    [Fact]
    public void Wrong_frame_number_is_an_error()
    {
        byte[] wire = [.. Frame(1, "a", last: false), .. Frame(3, "b")];
        var e = Assert.Throws<CaptureFormatException>(() => Join(wire));
        Assert.Equal(2, e.Frame);
        Assert.Contains("frame number 3, expected 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exact_retransmission_of_the_last_frame_is_dropped()
    {
        var one = Frame(1, "abc", last: false);
        byte[] wire = [.. one, .. one, .. Frame(2, "def")];
        Assert.Equal("abcdef", Join(wire).Text);
    }

    [Fact]
    public void Bare_line_ends_fail_strictly_and_pass_when_tolerated()
    {
        byte[] wire = [.. Frame(1, "abc", last: false, ending: "\n"), .. Frame(2, "def", ending: "\r")];

        var e = Assert.Throws<CaptureFormatException>(() => Join(wire));
        Assert.Equal(1, e.Frame);
        Assert.Contains("CR LF", e.Message, StringComparison.Ordinal);

        var (text, bare) = Join(wire, tolerate: true);
        Assert.Equal("abcdef", text);
        Assert.Equal(2, bare);
    }

    [Theory]
    [InlineData(new byte[] { 0x02, (byte)'1', (byte)'a' }, "no ETX or ETB")]
    [InlineData(new byte[] { 0x02, (byte)'9', 0x03, (byte)'3', (byte)'C', 13, 10 }, "not a digit")]
    [InlineData(new byte[] { 0x02, (byte)'1', 0x03, (byte)'3' }, "checksum characters")]
    [InlineData(new byte[] { 0x02, (byte)'1', 0x03, (byte)'Z', (byte)'Z', 13, 10 }, "not hex")]
    [InlineData(new byte[] { (byte)'x' }, "between frames")]
    [InlineData(new byte[] { 0x02, (byte)'1', (byte)'a', 0x02, (byte)'1', 0x03 }, "inside frame text")]
    public void Malformed_frames_are_typed_errors(byte[] wire, string what)
    {
        var e = Assert.Throws<CaptureFormatException>(() => Join(wire));
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_sample_frame_verifies()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "samples", "astm")))
        {
            var wire = File.ReadAllBytes(file);
            var text = new byte[wire.Length];
            var frames = new List<AstmFrameScanner.FrameSpan>();
            AstmFrameScanner.Join(wire, text, tolerateBareLineEnds: true, frames, out _);
            Assert.NotEmpty(frames);
        }
    }
}
