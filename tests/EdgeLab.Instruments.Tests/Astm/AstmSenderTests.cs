using System.Buffers;
using EdgeLab.Instruments.Link.Astm;
using static EdgeLab.Instruments.Tests.Astm.AstmTestBytes;

namespace EdgeLab.Instruments.Tests.Astm;

/// <summary>The sending side of LIS01-A2, one rule per test: the scripted peer plays the receiver.</summary>
public class AstmSenderTests
{
    private static readonly string[] Records = ["H|\\^&|||EdgeLab", "P|1", "O|1|12345||^^^GLU", "L|1|N"];

    private static AstmToken ParseFrame(byte[] frame)
    {
        var reader = new AstmFrameReader(64_000, false);
        var buffer = new ReadOnlySequence<byte>(frame);
        Assert.True(reader.TryRead(ref buffer, out var token));
        Assert.Equal(AstmTokenKind.Frame, token.Kind);
        return token;
    }

    [Fact]
    public async Task Sends_enq_then_one_frame_per_record_then_eot()
    {
        await using var link = AstmLinkHarness.Start();
        var sent = link.Session.SendAsync(Records);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        for (var i = 0; i < Records.Length; i++)
        {
            var frame = ParseFrame(await link.ReadFrameAsync());
            Assert.Equal(i + 1, frame.FrameNumber);
            Assert.True(frame.IsFinal);
            Assert.Equal(Records[i] + "\r", Latin1(frame.Text.ToArray()));
            await link.SendAsync(Ack);
        }
        await link.ExpectAsync(Eot);
        var result = await sent.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(AstmSendStatus.Sent, result.Status);
    }

    [Fact]
    public async Task Nak_to_enq_waits_ten_seconds_before_the_next_enq()
    {
        await using var link = AstmLinkHarness.Start();
        var sent = link.Session.SendAsync(Records);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Nak);
        await link.WaitForPhaseAsync(AstmLinkPhase.WaitingToBid);
        link.Clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        link.ExpectSilence();
        link.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        Assert.Equal(1, ParseFrame(await link.ReadFrameAsync()).FrameNumber);
        Assert.False(sent.IsCompleted);
    }

    [Fact]
    public async Task Contention_computer_yields_receives_the_instrument_and_waits_twenty_seconds()
    {
        await using var link = AstmLinkHarness.Start(AstmLinkHarness.Options(role: LinkRole.Computer));
        var sent = link.Session.SendAsync(Records);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Enq); // the instrument bid at the same time
        await link.WaitForPhaseAsync(AstmLinkPhase.WaitingToBid);
        link.ExpectSilence(); // the computer does not answer the colliding ENQ

        // The instrument bids again after 1 s; the computer receives its message.
        link.Clock.Advance(TimeSpan.FromSeconds(1));
        await link.SendMessageAsync("H|\\^&", "L|1|N");
        await link.Handler.WaitForMessageAsync();
        await link.WaitForPhaseAsync(AstmLinkPhase.WaitingToBid);

        link.Clock.Advance(TimeSpan.FromSeconds(19) - TimeSpan.FromMilliseconds(1));
        link.ExpectSilence();
        link.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await link.ExpectAsync(Enq);
        Assert.False(sent.IsCompleted);
    }

    [Fact]
    public async Task Contention_instrument_keeps_priority_and_bids_again_after_one_second()
    {
        await using var link = AstmLinkHarness.Start(AstmLinkHarness.Options(role: LinkRole.Instrument));
        _ = link.Session.SendAsync(Records);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Enq); // the computer bid at the same time
        await link.WaitForPhaseAsync(AstmLinkPhase.WaitingToBid);
        link.ExpectSilence();
        link.Clock.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(1));
        link.ExpectSilence();
        link.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await link.ExpectAsync(Enq);
    }

    [Fact]
    public async Task Nak_to_a_frame_resends_the_same_frame()
    {
        await using var link = AstmLinkHarness.Start();
        _ = link.Session.SendAsync(Records);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        var first = await link.ReadFrameAsync();
        await link.SendAsync(Nak);
        Assert.Equal(first, await link.ReadFrameAsync());
        await link.SendAsync(Ack);
        Assert.Equal(2, ParseFrame(await link.ReadFrameAsync()).FrameNumber);
    }

    [Fact]
    public async Task Six_rejections_of_a_frame_abort_the_message_with_eot()
    {
        await using var link = AstmLinkHarness.Start();
        var sent = link.Session.SendAsync(Records);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        await link.ReadFrameAsync();
        await link.SendAsync(Ack);
        var frame2 = await link.ReadFrameAsync();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            if (attempt > 1) Assert.Equal(frame2, await link.ReadFrameAsync());
            await link.SendAsync(Nak);
        }
        await link.ExpectAsync(Eot);
        var result = await sent.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(AstmSendStatus.TooManyRejections, result.Status);
        link.ExpectSilence();
    }

    [Fact]
    public async Task Any_character_but_ack_or_eot_counts_as_nak()
    {
        await using var link = AstmLinkHarness.Start();
        _ = link.Session.SendAsync(Records);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        var first = await link.ReadFrameAsync();
        await link.SendAsync((byte)'?');
        Assert.Equal(first, await link.ReadFrameAsync());
    }

    [Fact]
    public async Task No_reply_to_a_frame_within_fifteen_seconds_aborts_with_eot()
    {
        await using var link = AstmLinkHarness.Start();
        var sent = link.Session.SendAsync(Records);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        await link.ReadFrameAsync();
        link.Clock.Advance(TimeSpan.FromSeconds(15) - TimeSpan.FromMilliseconds(1));
        link.ExpectSilence();
        link.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await link.ExpectAsync(Eot);
        Assert.Equal(AstmSendStatus.ReplyTimeout, (await sent.WaitAsync(TimeSpan.FromSeconds(10))).Status);
    }

    [Fact]
    public async Task No_reply_to_enq_within_fifteen_seconds_ends_with_eot_and_bids_again_later()
    {
        await using var link = AstmLinkHarness.Start();
        _ = link.Session.SendAsync(Records);
        await link.ExpectAsync(Enq);
        link.Clock.Advance(TimeSpan.FromSeconds(15));
        await link.ExpectAsync(Eot);
        await link.WaitForPhaseAsync(AstmLinkPhase.WaitingToBid);
        link.Clock.Advance(TimeSpan.FromSeconds(10));
        await link.ExpectAsync(Enq);
    }

    [Fact]
    public async Task Receiver_interrupt_releases_the_line_and_holds_off_fifteen_seconds()
    {
        await using var link = AstmLinkHarness.Start();
        var sent = link.Session.SendAsync(Records);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        var first = await link.ReadFrameAsync();
        await link.SendAsync(Eot); // receiver interrupt: "ACK, and let me send"
        await link.ExpectAsync(Eot);
        await link.WaitForPhaseAsync(AstmLinkPhase.WaitingToBid);
        link.Clock.Advance(TimeSpan.FromSeconds(15) - TimeSpan.FromMilliseconds(1));
        link.ExpectSilence();
        link.Clock.Advance(TimeSpan.FromMilliseconds(1));
        // The interrupted message goes again, from frame 1.
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        Assert.Equal(first, await link.ReadFrameAsync());
        Assert.False(sent.IsCompleted);
    }

    [Fact]
    public async Task Receiver_interrupt_ends_the_hold_off_once_the_receiver_has_sent()
    {
        await using var link = AstmLinkHarness.Start();
        _ = link.Session.SendAsync(Records);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        await link.ReadFrameAsync();
        await link.SendAsync(Eot);
        await link.ExpectAsync(Eot);
        await link.SendMessageAsync("H|\\^&", "L|1|N"); // the instrument uses the line it asked for
        await link.ExpectAsync(Enq); // and we bid at once, well before 15 s
    }

    [Fact]
    public async Task Interrupt_on_the_last_frame_still_counts_as_sent()
    {
        await using var link = AstmLinkHarness.Start();
        var sent = link.Session.SendAsync(["H|\\^&", "L|1|N"]);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        await link.ReadFrameAsync();
        await link.SendAsync(Ack);
        await link.ReadFrameAsync();
        await link.SendAsync(Eot);
        await link.ExpectAsync(Eot);
        Assert.Equal(AstmSendStatus.Sent, (await sent.WaitAsync(TimeSpan.FromSeconds(10))).Status);
    }

    [Fact]
    public async Task Long_record_is_split_into_etb_frames_within_the_frame_limit()
    {
        await using var link = AstmLinkHarness.Start(AstmLinkHarness.Options(maxFrameSize: 247));
        var longRecord = "C|1|I|" + new string('x', 600);
        _ = link.Session.SendAsync(["H|\\^&", longRecord, "L|1|N"]);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        var frames = new List<AstmToken>();
        var raw = new List<byte[]>();
        for (var i = 0; i < 5; i++)
        {
            raw.Add(await link.ReadFrameAsync());
            frames.Add(ParseFrame(raw[^1]));
            await link.SendAsync(Ack);
        }
        await link.ExpectAsync(Eot);
        Assert.All(raw, f => Assert.True(f.Length <= 247));
        Assert.Equal([1, 2, 3, 4, 5], frames.Select(f => f.FrameNumber));
        Assert.Equal([true, false, false, true, true], frames.Select(f => f.IsFinal));
        Assert.Equal(247, raw[1].Length);
        Assert.Equal(longRecord + "\r", string.Concat(frames.Skip(1).Take(3).Select(f => Latin1(f.Text.ToArray()))));
    }

    [Fact]
    public async Task Lis01_a2_profile_sends_the_long_record_in_one_frame()
    {
        await using var link = AstmLinkHarness.Start(AstmLinkHarness.Options(maxFrameSize: 64_000));
        var longRecord = "C|1|I|" + new string('x', 600);
        _ = link.Session.SendAsync([longRecord]);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        var frame = ParseFrame(await link.ReadFrameAsync());
        Assert.True(frame.IsFinal);
        Assert.Equal(longRecord + "\r", Latin1(frame.Text.ToArray()));
    }

    [Fact]
    public async Task Frame_numbers_wrap_from_7_to_0_when_sending()
    {
        await using var link = AstmLinkHarness.Start();
        var records = Enumerable.Range(1, 10).Select(i => $"R|{i}").ToArray();
        _ = link.Session.SendAsync(records);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        var numbers = new List<int>();
        for (var i = 0; i < records.Length; i++)
        {
            numbers.Add(ParseFrame(await link.ReadFrameAsync()).FrameNumber);
            await link.SendAsync(Ack);
        }
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 0, 1, 2], numbers);
    }

    [Fact]
    public void Record_with_cr_or_restricted_character_is_refused_before_sending()
    {
        var session = new AstmLinkSession(AstmLinkHarness.Options(), new RecordingAstmHandler());
        var cr = Assert.Throws<ArgumentException>(() => { _ = session.SendAsync(["H|\\^&", "P|1\rX"]); });
        Assert.Contains("record 2", cr.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => { _ = session.SendAsync(["H|\u0002"]); });
    }

    [Fact]
    public async Task Host_query_answer_is_sent_after_the_instrument_releases_the_line()
    {
        string[] answer = ["H|\\^&", "P|1", "O|1|1068687||^^^GLU", "L|1|N"];
        var handler = new RecordingAstmHandler { Decide = _ => Task.FromResult(new AstmMessageOutcome(true, answer)) };
        await using var link = AstmLinkHarness.Start(handler: handler);
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(2, "Q|1|^1068687||ALL||||||||O\r");
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(3, "L|1|N\r");
        await link.ExpectAsync(Ack);
        await link.Handler.WaitForMessageAsync();
        link.ExpectSilence(); // the line is still the instrument's
        await link.SendAsync(Eot);
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        var texts = new List<string>();
        for (var i = 0; i < answer.Length; i++)
        {
            texts.Add(Latin1(ParseFrame(await link.ReadFrameAsync()).Text.ToArray()));
            await link.SendAsync(Ack);
        }
        await link.ExpectAsync(Eot);
        Assert.Equal(answer.Select(r => r + "\r"), texts);
    }

    [Fact]
    public async Task Urgent_message_interrupts_the_instrument_and_goes_after_its_eot()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(Ack);
        var sent = link.Session.SendAsync(["H|\\^&", "L|1|N"], urgent: true);
        await link.SendFrameAsync(2, "P|1\r");
        await link.ExpectAsync(Eot); // interrupt request
        await link.SendAsync(Eot); // the instrument honours it
        await link.ExpectAsync(Enq);
        await link.SendAsync(Ack);
        await link.ReadFrameAsync();
        await link.SendAsync(Ack);
        await link.ReadFrameAsync();
        await link.SendAsync(Ack);
        await link.ExpectAsync(Eot);
        Assert.Equal(AstmSendStatus.Sent, (await sent.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        var (_, reason) = await link.Handler.WaitForIncompleteAsync();
        Assert.Contains("EOT", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queued_message_can_be_withdrawn_before_it_goes_on_the_wire()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq); // the instrument holds the line
        await link.ExpectAsync(Ack);
        using var cancel = new CancellationTokenSource();
        var sent = link.Session.SendAsync(Records, cancellationToken: cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sent);
        await link.SendAsync(Eot);
        await link.WaitForPhaseAsync(AstmLinkPhase.Neutral);
        link.ExpectSilence(); // nothing left to bid for
    }

    [Fact]
    public async Task Same_session_code_acts_as_the_instrument_towards_a_computer_session()
    {
        // Two sessions back to back: the simulator's side (instrument) sends, the gateway's side (computer) receives.
        var (instrumentEnd, computerEnd) = EdgeLab.Testing.InMemoryDuplexStream.CreatePair();
        var clock = new EdgeLab.Testing.FakeTimeProvider();
        var handler = new RecordingAstmHandler();
        var instrument = new AstmLinkSession(AstmLinkHarness.Options(role: LinkRole.Instrument), new RecordingAstmHandler(), clock);
        var computer = new AstmLinkSession(AstmLinkHarness.Options(), handler, clock);
        using var stop = new CancellationTokenSource();
        var runs = new[] { instrument.RunAsync(instrumentEnd, stop.Token), computer.RunAsync(computerEnd, stop.Token) };
        var longRecord = "R|1|^^^WBC|" + new string('7', 500);
        var result = await instrument.SendAsync(["H|\\^&", longRecord, "L|1|N"]).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(AstmSendStatus.Sent, result.Status);
        await handler.WaitForMessageAsync();
        Assert.Equal($"H|\\^&\r{longRecord}\rL|1|N\r", Latin1(Assert.Single(handler.Messages).Text));
        await stop.CancelAsync();
        foreach (var run in runs) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
