using System.Buffers;
using EdgeLab.Instruments.Link.Astm;
using static EdgeLab.Instruments.Tests.Astm.AstmTestBytes;

namespace EdgeLab.Instruments.Tests.Astm;

public class AstmFrameReaderTests
{
    internal static List<AstmToken> ReadAll(byte[] bytes, int maxFrameSize = 247, bool tolerant = false)
    {
        var reader = new AstmFrameReader(maxFrameSize, tolerant);
        var buffer = new ReadOnlySequence<byte>(bytes);
        var tokens = new List<AstmToken>();
        while (reader.TryRead(ref buffer, out var token)) tokens.Add(token);
        return tokens;
    }

    [Fact]
    public void Reads_control_characters_and_a_frame()
    {
        var tokens = ReadAll(Concat([Enq], Frame(1, "H|\\^&\r"), [Eot]));
        Assert.Equal([AstmTokenKind.Control, AstmTokenKind.Frame, AstmTokenKind.Control], tokens.Select(t => t.Kind));
        Assert.Equal(Enq, tokens[0].Control);
        Assert.Equal(1, tokens[1].FrameNumber);
        Assert.True(tokens[1].IsFinal);
        Assert.Equal("H|\\^&\r", Latin1(tokens[1].Text.ToArray()));
        Assert.Equal(1, tokens[1].Offset);
        Assert.Equal(Eot, tokens[2].Control);
    }

    [Fact]
    public void Etb_frame_is_intermediate_and_its_checksum_is_verified()
    {
        var good = ReadAll(Frame(2, "R|1|^^^WBC", isFinal: false));
        Assert.Equal(AstmTokenKind.Frame, good.Single().Kind);
        Assert.False(good.Single().IsFinal);

        var bad = ReadAll(FrameWithChecksum(2, "R|1|^^^WBC", "00", isFinal: false)).Single();
        Assert.Equal(AstmTokenKind.Error, bad.Kind);
        Assert.Equal(AstmFrameError.BadChecksum, bad.Error);
    }

    [Fact]
    public void Bad_checksum_names_both_sums_and_the_offset()
    {
        var frame = FrameWithChecksum(1, "L|1|N\r", "00");
        var token = ReadAll(Concat([Enq], frame)).Last();
        Assert.Equal(AstmFrameError.BadChecksum, token.Error);
        Assert.Equal(0x00, token.ChecksumReceived);
        Assert.NotEqual(0x00, token.ChecksumComputed);
        Assert.Equal(1 + frame.Length - 4, token.ErrorOffset);
        Assert.Contains("checksum 00 received", token.DescribeError(), StringComparison.Ordinal);
        Assert.Equal(frame.Length, token.Raw.Length);
    }

    [Fact]
    public void Lower_case_checksum_is_accepted()
    {
        var frame = Frame(1, "O|1|1234\r");
        var digits = System.Text.Encoding.ASCII.GetString(frame, frame.Length - 4, 2).ToLowerInvariant();
        Assert.Equal(AstmTokenKind.Frame, ReadAll(FrameWithChecksum(1, "O|1|1234\r", digits)).Single().Kind);
    }

    [Theory]
    [InlineData((byte)'8')]
    [InlineData((byte)'A')]
    public void Frame_number_outside_0_to_7_is_an_error(byte fn)
    {
        var frame = Frame(1, "P|1\r");
        frame[1] = fn;
        var token = ReadAll(frame).Single();
        Assert.Equal(AstmFrameError.InvalidFrameNumber, token.Error);
        Assert.Equal(1, token.ErrorOffset);
    }

    [Fact]
    public void Restricted_character_in_text_is_an_error_at_its_offset()
    {
        var frame = Frame(1, "P|1\u0006X\r");
        var token = ReadAll(frame).Single();
        Assert.Equal(AstmFrameError.RestrictedCharacter, token.Error);
        Assert.Equal(5, token.ErrorOffset);
        Assert.Equal(frame.Length, token.Raw.Length);
    }

    [Fact]
    public void Eot_inside_a_frame_cuts_it_short_and_is_read_as_itself()
    {
        var tokens = ReadAll(Concat([Stx, (byte)'1', (byte)'H', (byte)'|'], [Eot]));
        Assert.Equal(AstmFrameError.FrameInterrupted, tokens[0].Error);
        Assert.Equal(4, tokens[0].ErrorOffset);
        Assert.Equal(Eot, tokens[1].Control);
    }

    [Fact]
    public void Lost_etx_ends_the_frame_at_its_lf()
    {
        var frame = Frame(1, "P|1\r");
        var broken = frame.Where((_, i) => i != 6).ToArray(); // drop ETX
        var tokens = ReadAll(Concat(broken, Frame(2, "L|1\r")));
        Assert.Equal(AstmFrameError.RestrictedCharacter, tokens[0].Error);
        Assert.Equal(AstmTokenKind.Frame, tokens[1].Kind);
    }

    [Fact]
    public void Frame_must_end_in_cr_lf_unless_tolerated()
    {
        foreach (var end in new[] { Lf, Cr })
        {
            var bare = FrameWithBareEnd(1, "L|1|N\r", end);
            var strict = ReadAll(Concat(bare, [Eot]));
            Assert.Equal(AstmFrameError.IllegalFrameEnd, strict[0].Error);
            var tolerant = ReadAll(Concat(bare, [Eot]), tolerant: true);
            Assert.Equal([AstmTokenKind.Frame, AstmTokenKind.Control], tolerant.Select(t => t.Kind));
        }
    }

    [Fact]
    public void Frame_of_exactly_the_limit_is_read_and_one_byte_more_is_too_long()
    {
        var fits = Frame(1, new string('x', 240), isFinal: false);
        Assert.Equal(247, fits.Length);
        Assert.Equal(AstmTokenKind.Frame, ReadAll(fits).Single().Kind);

        var tooLong = Frame(1, new string('x', 241), isFinal: false);
        var tokens = ReadAll(Concat(tooLong, [Eot]));
        var error = tokens.Single(t => t.Kind == AstmTokenKind.Error);
        Assert.Equal(AstmFrameError.FrameTooLong, error.Error);
        Assert.Equal(tooLong.Length, tokens.TakeWhile(t => t.Kind != AstmTokenKind.Control).Sum(t => t.Raw.Length));
        Assert.Equal(Eot, tokens.Last().Control);
    }

    [Fact]
    public void Lis01_a2_limit_admits_63993_text_bytes()
    {
        var big = Frame(1, new string('x', 63_993));
        Assert.Equal(64_000, big.Length);
        Assert.Equal(AstmTokenKind.Frame, ReadAll(big, 64_000).Single().Kind);
        Assert.Equal(AstmFrameError.FrameTooLong, ReadAll(big, 247).Single(t => t.Kind == AstmTokenKind.Error).Error);
    }

    [Fact]
    public void Incomplete_frame_consumes_nothing_until_the_rest_arrives()
    {
        var reader = new AstmFrameReader(247, false);
        var frame = Frame(1, "H|\\^&\r");
        var head = new ReadOnlySequence<byte>(frame, 0, frame.Length - 1);
        Assert.False(reader.TryRead(ref head, out _));
        Assert.Equal(frame.Length - 1, head.Length);
        var whole = new ReadOnlySequence<byte>(frame);
        Assert.True(reader.TryRead(ref whole, out var token));
        Assert.Equal(AstmTokenKind.Frame, token.Kind);
        Assert.Equal(frame.Length, reader.Position);
    }

    [Fact]
    public void Noise_outside_frames_is_reported_not_rejected()
    {
        var tokens = ReadAll(Concat("garbage"u8.ToArray(), [Enq]));
        Assert.Equal(AstmTokenKind.Noise, tokens[0].Kind);
        Assert.Equal(7, tokens[0].Raw.Length);
        Assert.Equal(Enq, tokens[1].Control);
    }
}
