using EdgeLab.Instruments.Link.Astm;
using static EdgeLab.Instruments.Tests.Astm.AstmTestBytes;

namespace EdgeLab.Instruments.Tests.Astm;

/// <summary>Every real capture in tests/samples/astm, replayed into the receiver as the analyzer sent it.</summary>
public class AstmSampleReplayTests
{
    public static TheoryData<string> Samples() => new(SampleNames());

    /// <summary>The capture as an analyzer puts it on the line: senaite files lack ENQ and EOT, so they get them.</summary>
    private static byte[] AsTransmission(byte[] capture)
    {
        var start = capture[0] == Enq ? [] : new[] { Enq };
        var end = capture[^1] == Eot ? [] : new[] { Eot };
        return Concat(start, capture, end);
    }

    private static AstmLinkOptions OptionsFor(string name) =>
        AstmLinkHarness.Options(maxFrameSize: 64_000, tolerant: NeedsTolerance(name));

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Capture_replayed_into_the_receiver_yields_its_message(string name)
    {
        var capture = File.ReadAllBytes(SamplePath(name));
        var expected = AstmCaptureDecoder.Decode(capture, 64_000, NeedsTolerance(name));
        Assert.Single(expected);
        Assert.True(expected[0].IsComplete);

        await using var link = AstmLinkHarness.Start(OptionsFor(name));
        await link.SendAsync(AsTransmission(capture));
        await link.Handler.WaitForMessageAsync();
        // ENQ and every frame acknowledged, nothing else.
        for (var i = 0; i <= expected[0].Frames; i++) await link.ExpectAsync(Ack);
        await link.WaitForPhaseAsync(AstmLinkPhase.Neutral);
        link.ExpectSilence();

        var message = Assert.Single(link.Handler.Messages);
        Assert.Equal(expected[0].Text.ToArray(), message.Text.ToArray());
        Assert.StartsWith("H", Latin1(message.Text), StringComparison.Ordinal);
        Assert.Empty(link.Handler.Incomplete);
    }

    [Fact]
    public async Task All_captures_over_one_connection_yield_one_message_each_in_order()
    {
        var names = SampleNames().ToArray();
        await using var link = AstmLinkHarness.Start(AstmLinkHarness.Options(maxFrameSize: 64_000, tolerant: true));
        foreach (var name in names) await link.SendAsync(AsTransmission(File.ReadAllBytes(SamplePath(name))));
        for (var i = 0; i < names.Length; i++) await link.Handler.WaitForMessageAsync();
        Assert.Equal(names.Length, link.Handler.Messages.Count);
        Assert.All(link.Handler.Messages, m => Assert.EndsWith("\r", Latin1(m.Text), StringComparison.Ordinal));
        Assert.Empty(link.Handler.Incomplete);
    }

    [Fact]
    public async Task Yumizen_capture_in_247_byte_frames_passes_the_e1381_limit()
    {
        var capture = File.ReadAllBytes(SamplePath("horiba_yumizen_h500_etb_multiframe_capture.astm"));
        await using var link = AstmLinkHarness.Start(AstmLinkHarness.Options(maxFrameSize: 247));
        await link.SendAsync(capture);
        await link.Handler.WaitForMessageAsync();
        Assert.Single(link.Handler.Messages);
    }

    [Fact]
    public async Task Bare_lf_capture_is_naked_frame_by_frame_without_tolerance()
    {
        var capture = File.ReadAllBytes(SamplePath("horiba_pentra_xlr_framewrap_flags_comments.astm"));
        await using var link = AstmLinkHarness.Start(AstmLinkHarness.Options(maxFrameSize: 64_000));
        await link.SendAsync(AsTransmission(capture));
        await link.ExpectAsync(Ack);
        for (var i = 0; i < 28; i++) await link.ExpectAsync(Nak);
        await link.WaitForPhaseAsync(AstmLinkPhase.Neutral);
        Assert.Empty(link.Handler.Messages);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Capture_decoder_finds_one_complete_message(string name)
    {
        var messages = AstmCaptureDecoder.Decode(File.ReadAllBytes(SamplePath(name)), 64_000, NeedsTolerance(name));
        var message = Assert.Single(messages);
        Assert.True(message.IsComplete);
        Assert.EndsWith("\r", Latin1(message.Text), StringComparison.Ordinal);
    }

    [Fact]
    public void Capture_decoder_says_what_and_where_for_a_bad_frame()
    {
        var capture = File.ReadAllBytes(SamplePath("ortho_vitros3600_host_query_Q.astm"));
        capture[60] ^= 0x01; // inside the Q record's frame
        var error = Assert.Throws<AstmCaptureException>(() => AstmCaptureDecoder.Decode(capture));
        Assert.Equal(2, error.FrameIndex);
        Assert.Equal(AstmFrameError.BadChecksum, error.Error);
        Assert.Equal(2, error.FrameNumber);
        Assert.Contains("frame 2", error.Message, StringComparison.Ordinal);
    }
}
