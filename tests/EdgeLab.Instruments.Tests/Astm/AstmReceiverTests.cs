using EdgeLab.Instruments.Link.Astm;
using EdgeLab.Instruments.Outbound;
using static EdgeLab.Instruments.Tests.Astm.AstmTestBytes;

namespace EdgeLab.Instruments.Tests.Astm;

/// <summary>The receiving side of LIS01-A2, one rule per test, against a scripted instrument on an in-memory line.</summary>
public class AstmReceiverTests
{
    [Fact]
    public async Task Enq_is_answered_with_ack()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
    }

    [Fact]
    public async Task Enq_is_answered_with_nak_when_the_store_is_not_ready()
    {
        await using var link = AstmLinkHarness.Start(handler: new RecordingAstmHandler { Ready = false });
        await link.SendAsync(Enq);
        await link.ExpectAsync(Nak);
        link.Handler.Ready = true;
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
    }

    [Fact]
    public async Task Message_is_handed_up_with_records_joined_and_frames_acked()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendMessageAsync("H|\\^&|||analyzer", "P|1", "O|1|12345", "L|1|N");
        await link.Handler.WaitForMessageAsync();
        var message = Assert.Single(link.Handler.Messages);
        Assert.Equal("H|\\^&|||analyzer\rP|1\rO|1|12345\rL|1|N\r", Latin1(message.Text));
    }

    [Fact]
    public async Task Checksum_is_verified_on_etb_frames_too()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendAsync(FrameWithChecksum(1, "H|\\^&|||long header part one", "00", isFinal: false));
        await link.ExpectAsync(Nak);
        await link.SendAsync(Frame(1, "H|\\^&|||long header part one", isFinal: false));
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(2, " and two\r");
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(3, "L|1|N\r");
        await link.ExpectAsync(Ack);
        await link.Handler.WaitForMessageAsync();
        Assert.Equal("H|\\^&|||long header part one and two\rL|1|N\r", Latin1(Assert.Single(link.Handler.Messages).Text));
    }

    [Fact]
    public async Task Bad_checksum_is_naked_and_the_resent_frame_acked()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendAsync(FrameWithChecksum(1, "H|\\^&\r", "FF"));
        await link.ExpectAsync(Nak);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);
    }

    [Fact]
    public async Task Lower_case_checksum_is_acked()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        var frame = Frame(1, "H|\\^&|||z\r");
        var lower = System.Text.Encoding.ASCII.GetString(frame, frame.Length - 4, 2).ToLowerInvariant();
        Assert.NotEqual(lower, lower.ToUpperInvariant());
        await link.SendAsync(FrameWithChecksum(1, "H|\\^&|||z\r", lower));
        await link.ExpectAsync(Ack);
    }

    [Fact]
    public async Task First_frame_must_be_number_1()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(2, "H|\\^&\r");
        await link.ExpectAsync(Nak);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);
    }

    [Fact]
    public async Task Skipped_frame_number_is_naked()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(3, "P|1\r");
        await link.ExpectAsync(Nak);
    }

    [Fact]
    public async Task Exact_repeat_of_the_last_frame_is_acked_and_dropped()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&\r"); // our ACK was "lost": the instrument sends it again
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(2, "L|1|N\r");
        await link.ExpectAsync(Ack);
        await link.Handler.WaitForMessageAsync();
        Assert.Equal("H|\\^&\rL|1|N\r", Latin1(Assert.Single(link.Handler.Messages).Text));
    }

    [Fact]
    public async Task Same_frame_number_with_other_text_is_naked()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&|||other\r");
        await link.ExpectAsync(Nak);
    }

    [Fact]
    public async Task Frame_numbers_wrap_from_7_to_0()
    {
        await using var link = AstmLinkHarness.Start();
        var records = new[] { "H|\\^&" }.Concat(Enumerable.Range(1, 8).Select(i => $"R|{i}|^^^T{i}|{i}")).Append("L|1|N").ToArray();
        await link.SendMessageAsync(records); // frames 1..7, 0, 1, 2
        await link.Handler.WaitForMessageAsync();
        Assert.Equal(string.Concat(records.Select(r => r + "\r")), Latin1(Assert.Single(link.Handler.Messages).Text));
    }

    [Fact]
    public async Task Message_split_into_etb_frames_is_joined()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        var record = "R|1|^^^WBC|" + new string('9', 400) + "\r";
        var fn = 1;
        for (var at = 0; at < record.Length; at += 240)
        {
            var part = record.Substring(at, Math.Min(240, record.Length - at));
            await link.SendAsync(Frame(fn, part, isFinal: at + 240 >= record.Length));
            await link.ExpectAsync(Ack);
            fn++;
        }
        await link.SendFrameAsync(fn, "L|1|N\r");
        await link.ExpectAsync(Ack);
        await link.Handler.WaitForMessageAsync();
        Assert.Equal(record + "L|1|N\r", Latin1(Assert.Single(link.Handler.Messages).Text));
    }

    [Theory]
    [InlineData(247, 240, Ack)]
    [InlineData(247, 241, Nak)]
    [InlineData(64_000, 1000, Ack)]
    public async Task Frame_size_limit_follows_the_profile(int maxFrameSize, int textLength, byte expected)
    {
        await using var link = AstmLinkHarness.Start(AstmLinkHarness.Options(maxFrameSize));
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendAsync(Frame(1, "H|\\^&" + new string('x', textLength - 5), isFinal: false));
        await link.ExpectAsync(expected);
    }

    [Fact]
    public async Task Bare_line_ends_are_naked_unless_the_profile_tolerates_them()
    {
        await using (var strict = AstmLinkHarness.Start())
        {
            await strict.SendAsync(Enq);
            await strict.ExpectAsync(Ack);
            await strict.SendAsync(Concat(FrameWithBareEnd(1, "H|\\^&\r", Lf)));
            await strict.ExpectAsync(Nak);
        }
        await using var tolerant = AstmLinkHarness.Start(AstmLinkHarness.Options(tolerant: true));
        await tolerant.SendAsync(Enq);
        await tolerant.ExpectAsync(Ack);
        await tolerant.SendAsync(FrameWithBareEnd(1, "H|\\^&\r", Lf));
        await tolerant.ExpectAsync(Ack);
        await tolerant.SendAsync(FrameWithBareEnd(2, "L|1|N\r", Cr));
        await tolerant.ExpectAsync(Ack);
        await tolerant.Handler.WaitForMessageAsync();
    }

    [Fact]
    public async Task Thirty_seconds_without_a_frame_discard_the_message_and_return_to_neutral()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);

        link.Clock.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        Assert.Empty(link.Handler.Incomplete);
        link.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var (partial, reason) = await link.Handler.WaitForIncompleteAsync();
        Assert.Equal("H|\\^&\r", Latin1(partial.Text));
        Assert.Contains("30 s", reason, StringComparison.Ordinal);

        // Neutral again: a frame is ignored, a new ENQ is answered.
        await link.WaitForPhaseAsync(AstmLinkPhase.Neutral);
        await link.SendFrameAsync(2, "P|1\r");
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        link.ExpectSilence();
    }

    [Fact]
    public async Task Eot_in_the_middle_of_a_message_discards_it()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(2, "P|1\r");
        await link.ExpectAsync(Ack);
        await link.SendAsync(Eot);
        var (partial, reason) = await link.Handler.WaitForIncompleteAsync();
        Assert.Equal("H|\\^&\rP|1\r", Latin1(partial.Text));
        Assert.Contains("EOT", reason, StringComparison.Ordinal);
        Assert.Empty(link.Handler.Messages);
    }

    [Fact]
    public async Task Last_frame_is_acked_only_after_the_handler_commits()
    {
        var commit = new TaskCompletionSource<AstmMessageOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new RecordingAstmHandler { Decide = _ => { called.TrySetResult(); return commit.Task; } };
        await using var link = AstmLinkHarness.Start(handler: handler);
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(2, "L|1|N\r");
        await called.Task.WaitAsync(TimeSpan.FromSeconds(10));
        link.ExpectSilence(); // not committed yet: no ACK on the wire
        commit.SetResult(AstmMessageOutcome.Ack);
        await link.ExpectAsync(Ack);
    }

    [Fact]
    public async Task Refused_message_naks_its_last_frame_and_the_resent_frame_is_handed_up_again()
    {
        var refuse = true;
        var handler = new RecordingAstmHandler
        {
            Decide = _ => Task.FromResult(refuse ? AstmMessageOutcome.Refuse : AstmMessageOutcome.Ack),
        };
        await using var link = AstmLinkHarness.Start(handler: handler);
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(2, "L|1|N\r");
        await link.ExpectAsync(Nak);
        refuse = false;
        await link.SendFrameAsync(2, "L|1|N\r");
        await link.ExpectAsync(Ack);
        Assert.Equal("H|\\^&\rL|1|N\r", Latin1(Assert.Single(link.Handler.Messages).Text));
    }

    [Fact]
    public async Task Handler_failure_is_a_nak_not_a_crash()
    {
        var handler = new RecordingAstmHandler { Decide = _ => throw new InvalidOperationException("disk full") };
        await using var link = AstmLinkHarness.Start(handler: handler);
        await link.SendMessageAsync_ExpectingLast(Nak);
        Assert.False(link.Run.IsCompleted);
    }

    [Fact]
    public async Task Receiver_interrupt_answers_eot_in_place_of_ack()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);
        link.Session.RequestInterrupt();
        await link.SendFrameAsync(2, "P|1\r");
        await link.ExpectAsync(Eot);
        // The instrument may ignore the request: EOT was still a positive acknowledgement, the message goes on.
        await link.SendFrameAsync(3, "L|1|N\r");
        await link.ExpectAsync(Eot);
        await link.Handler.WaitForMessageAsync();
        Assert.Equal("H|\\^&\rP|1\rL|1|N\r", Latin1(Assert.Single(link.Handler.Messages).Text));
    }

    [Fact]
    public async Task Transcript_keeps_every_byte_both_ways_with_times()
    {
        await using var link = AstmLinkHarness.Start();
        var start = link.Clock.GetUtcNow();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        var h = Frame(1, "H|\\^&\r");
        var l = Frame(2, "L|1|N\r");
        await link.SendAsync(h);
        await link.ExpectAsync(Ack);
        link.Clock.Advance(TimeSpan.FromSeconds(2));
        await link.SendAsync(l);
        await link.ExpectAsync(Ack);
        await link.Handler.WaitForMessageAsync();

        var message = Assert.Single(link.Handler.Messages);
        Assert.Equal(Concat([Enq, Ack], h, [Ack], l), message.Transcript.ToArray());
        Assert.Equal(
            [TranscriptDirection.FromInstrument, TranscriptDirection.ToInstrument, TranscriptDirection.FromInstrument, TranscriptDirection.ToInstrument, TranscriptDirection.FromInstrument],
            message.Transcript.Chunks.Select(c => c.Direction));
        Assert.Equal(start, message.FirstFrameAt);
        Assert.Equal(start + TimeSpan.FromSeconds(2), message.LastFrameAt);
        Assert.Equal(start + TimeSpan.FromSeconds(2), message.Transcript.Chunks[^1].At);
    }

    [Fact]
    public async Task Two_messages_in_one_transmission_are_handed_up_separately()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendMessageAsync("H|\\^&", "L|1|N", "H|\\^&", "P|1", "L|1|N");
        await link.Handler.WaitForMessageAsync();
        await link.Handler.WaitForMessageAsync();
        Assert.Equal(["H|\\^&\rL|1|N\r", "H|\\^&\rP|1\rL|1|N\r"], link.Handler.Messages.Select(m => Latin1(m.Text)));
    }

    [Fact]
    public async Task Enq_in_the_middle_of_a_transmission_starts_over()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        var (_, reason) = await link.Handler.WaitForIncompleteAsync();
        Assert.Contains("ENQ", reason, StringComparison.Ordinal);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);
    }

    [Fact]
    public async Task Garbage_never_stops_the_session()
    {
        await using var link = AstmLinkHarness.Start();
        var random = new Random(42);
        var garbage = new byte[5000];
        random.NextBytes(garbage);
        await link.SendAsync(garbage.Select(b => b is Enq ? (byte)0 : b).ToArray());
        await link.SendAsync(Eot);
        await link.SendMessageAsync("H|\\^&", "L|1|N");
        await link.Handler.WaitForMessageAsync();
        Assert.False(link.Run.IsCompleted);
    }
}
