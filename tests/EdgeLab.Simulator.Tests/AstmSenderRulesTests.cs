using EdgeLab.Simulator.Astm;
using EdgeLab.Simulator.Tests.Support;
using static EdgeLab.Simulator.Tests.Support.ScriptedLisReceiver;

namespace EdgeLab.Simulator.Tests;

/// <summary>The simulator's sender side of LIS01-A2, rule by rule, against a scripted receiver on a fake clock.</summary>
public sealed class AstmSenderRulesTests
{
    private static async Task AckAllFramesAsync(ScriptedLisReceiver r, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await r.ReadFrameAsync();
            await r.SendAsync(Ack);
        }
    }

    [Fact]
    public async Task Sends_ENQ_numbered_frames_with_checksums_and_EOT()
    {
        await using var h = await SenderHarness.StartAsync();
        var send = h.SendAsync(SenderHarness.Sample);
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        await AckAllFramesAsync(h.Receiver, 5);
        await h.Receiver.ExpectAsync(Eot);
        await send;
        Assert.Equal([1, 2, 3, 4, 5], h.Receiver.Frames.Select(f => f.Number));
        Assert.All(h.Receiver.Frames, f => Assert.True(f.ChecksumOk && f.IsLast));
        Assert.Equal("O|1|SPEC-1||^^^GLU\r", h.Receiver.Frames[2].Text);
        Assert.Contains(h.MachineLines, l => l.StartsWith("ACKED m#1 ", StringComparison.Ordinal) && l.EndsWith(" SPEC-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_NAKed_frame_is_sent_again_with_the_same_number()
    {
        await using var h = await SenderHarness.StartAsync();
        var send = h.SendAsync(SenderHarness.Sample);
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        await AckAllFramesAsync(h.Receiver, 1);
        var second = await h.Receiver.ReadFrameAsync();
        await h.Receiver.SendAsync(Nak);
        var again = await h.Receiver.ReadFrameAsync();
        Assert.Equal(second, again with { });
        await h.Receiver.SendAsync(Ack);
        await AckAllFramesAsync(h.Receiver, 3);
        await h.Receiver.ExpectAsync(Eot);
        await send;
        Assert.Equal(1, h.Sender.Statistics.Naks);
    }

    [Fact]
    public async Task Any_reply_other_than_ACK_or_EOT_counts_as_NAK()
    {
        await using var h = await SenderHarness.StartAsync();
        var send = h.SendAsync(SenderHarness.Message("H|\\^&", "L|1|N"));
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        var first = await h.Receiver.ReadFrameAsync();
        await h.Receiver.SendAsync((byte)'X');
        Assert.Equal(first.Number, (await h.Receiver.ReadFrameAsync()).Number);
        await h.Receiver.SendAsync(Ack);
        await AckAllFramesAsync(h.Receiver, 1);
        await h.Receiver.ExpectAsync(Eot);
        await send;
    }

    [Fact]
    public async Task Six_NAKs_of_one_frame_abort_the_message_with_EOT()
    {
        await using var h = await SenderHarness.StartAsync(new AstmSenderOptions { MaxMessageAttempts = 1 });
        var send = h.SendAsync(SenderHarness.Sample);
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(1, (await h.Receiver.ReadFrameAsync()).Number);
            await h.Receiver.SendAsync(Nak);
        }
        await h.Receiver.ExpectAsync(Eot);
        await send;
        Assert.Contains(h.MachineLines, l => l.StartsWith("FAILED m#1 ", StringComparison.Ordinal) && l.Contains(" refused ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_reply_to_a_frame_for_15_seconds_aborts_with_EOT_and_the_message_is_sent_again()
    {
        await using var h = await SenderHarness.StartAsync();
        var send = h.SendAsync(SenderHarness.Message("H|\\^&", "L|1|N"));
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        await h.Receiver.ReadFrameAsync();
        await h.WaitForTimerAsync(15, occurrence: 2); // the ENQ's reply timer, then frame 1's
        h.Clock.Advance(TimeSpan.FromSeconds(14.9));
        Assert.True(await h.Receiver.IsSilentAsync(TimeSpan.FromMilliseconds(100)));
        h.Clock.Advance(TimeSpan.FromSeconds(0.1));
        await h.Receiver.ExpectAsync(Eot);
        // LIS01-A2: the aborted message goes again in a new transmission, from frame 1.
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        await AckAllFramesAsync(h.Receiver, 2);
        await h.Receiver.ExpectAsync(Eot);
        await send;
        Assert.Equal([1, 1, 2], h.Receiver.Frames.Select(f => f.Number));
        Assert.Contains(h.MachineLines, l => l.StartsWith("ACKED m#1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_NAK_to_ENQ_makes_the_instrument_wait_10_seconds()
    {
        await using var h = await SenderHarness.StartAsync();
        var send = h.SendAsync(SenderHarness.Message("H|\\^&", "L|1|N"));
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Nak);
        await h.WaitForTimerAsync(10);
        h.Clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.True(await h.Receiver.IsSilentAsync(TimeSpan.FromMilliseconds(100)));
        h.Clock.Advance(TimeSpan.FromSeconds(0.1));
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        await AckAllFramesAsync(h.Receiver, 2);
        await h.Receiver.ExpectAsync(Eot);
        await send;
        Assert.Equal(1, h.Sender.Statistics.EnqNaks);
    }

    [Fact]
    public async Task On_contention_the_instrument_waits_1_second_and_sends_ENQ_again()
    {
        await using var h = await SenderHarness.StartAsync();
        var send = h.SendAsync(SenderHarness.Message("H|\\^&", "L|1|N"));
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Enq);
        await h.WaitForTimerAsync(1);
        h.Clock.Advance(TimeSpan.FromSeconds(0.9));
        Assert.True(await h.Receiver.IsSilentAsync(TimeSpan.FromMilliseconds(100)));
        h.Clock.Advance(TimeSpan.FromSeconds(0.1));
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        await AckAllFramesAsync(h.Receiver, 2);
        await h.Receiver.ExpectAsync(Eot);
        await send;
        Assert.Equal(1, h.Sender.Statistics.Contentions);
    }

    [Fact]
    public async Task No_reply_to_ENQ_within_15_seconds_fails_with_a_reason()
    {
        await using var h = await SenderHarness.StartAsync();
        var send = h.SendAsync(SenderHarness.Sample);
        await h.Receiver.ExpectAsync(Enq);
        await h.WaitForTimerAsync(15);
        h.Clock.Advance(TimeSpan.FromSeconds(15));
        await h.Receiver.ExpectAsync(Eot);
        var error = await Assert.ThrowsAsync<Wire.SimulatorLinkException>(() => send);
        Assert.Contains("no reply to ENQ within 15 s", error.Message, StringComparison.Ordinal);
        Assert.Contains(h.MachineLines, l => l.StartsWith("FAILED m#1 ", StringComparison.Ordinal) && l.Contains(" timeout ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Receiver_interrupt_mid_message_gives_the_host_the_line_then_resends_the_message_from_H()
    {
        await using var h = await SenderHarness.StartAsync();
        var send = h.SendAsync(SenderHarness.Sample);
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        await AckAllFramesAsync(h.Receiver, 1);
        await h.Receiver.ReadFrameAsync();
        await h.Receiver.SendAsync(Eot); // interrupt in place of the ACK of frame 2
        await h.Receiver.ExpectAsync(Eot); // the sender terminates
        // The host sends its own message; the instrument acknowledges it.
        await h.Receiver.SendAsync(Enq);
        await h.Receiver.ExpectAsync(Ack);
        var frame = "1H|\\^&|||LIS\r"u8.ToArray();
        var sum = 0;
        foreach (var b in frame) sum += b;
        sum = (sum + Etx) & 0xFF;
        await h.Receiver.SendAsync([Stx, .. frame, Etx, .. System.Text.Encoding.ASCII.GetBytes($"{sum:X2}"), 0x0D, 0x0A]);
        await h.Receiver.ExpectAsync(Ack);
        await h.Receiver.SendAsync(Eot);
        // Then the instrument re-establishes and sends the interrupted message again, whole.
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        h.Receiver.Frames.Clear();
        await AckAllFramesAsync(h.Receiver, 5);
        await h.Receiver.ExpectAsync(Eot);
        await send;
        Assert.StartsWith("H|", h.Receiver.Frames[0].Text, StringComparison.Ordinal);
        Assert.Equal(1, h.Receiver.Frames[0].Number);
        Assert.Equal("H|\\^&|||LIS", Assert.Single(Assert.Single(h.Sender.Statistics.HostMessages)));
        Assert.Single(h.MachineLines, l => l.StartsWith("ACKED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Receiver_interrupt_on_the_last_frame_acknowledges_the_message()
    {
        await using var h = await SenderHarness.StartAsync();
        var send = h.SendAsync(SenderHarness.Message("H|\\^&", "L|1|N"));
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        await AckAllFramesAsync(h.Receiver, 1);
        await h.Receiver.ReadFrameAsync();
        await h.Receiver.SendAsync(Eot);
        await h.Receiver.ExpectAsync(Eot);
        await h.WaitForTimerAsync(15, occurrence: 4); // ENQ, frame 1, frame 2, then the interrupt yield
        h.Clock.Advance(TimeSpan.FromSeconds(15)); // the host does not take the line
        await send;
        Assert.Single(h.MachineLines, l => l.StartsWith("ACKED m#1", StringComparison.Ordinal));
        Assert.Equal(1, h.Sender.Statistics.Interrupts);
    }

    [Theory]
    [InlineData(247, new[] { 240, 240, 121 })]
    [InlineData(64000, new[] { 601 })]
    public async Task Long_records_are_split_into_ETB_frames_by_frame_size(int frameSize, int[] textLengths)
    {
        await using var h = await SenderHarness.StartAsync(new AstmSenderOptions { FrameSize = frameSize });
        var longRecord = "R|1|^^^X|" + new string('7', 591);
        var send = h.SendAsync(SenderHarness.Message(longRecord));
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        await AckAllFramesAsync(h.Receiver, textLengths.Length);
        await h.Receiver.ExpectAsync(Eot);
        await send;
        Assert.Equal(textLengths, h.Receiver.Frames.Select(f => f.Text.Length));
        Assert.Equal(textLengths.Select((_, i) => i == textLengths.Length - 1), h.Receiver.Frames.Select(f => f.IsLast));
        Assert.Equal(longRecord + "\r", string.Concat(h.Receiver.Frames.Select(f => f.Text)));
    }

    [Fact]
    public async Task Frame_numbers_wrap_from_7_to_0()
    {
        await using var h = await SenderHarness.StartAsync();
        var records = Enumerable.Range(1, 10).Select(i => $"R|{i}|^^^T{i}|{i}").ToArray();
        var send = h.SendAsync(SenderHarness.Message(records));
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        await AckAllFramesAsync(h.Receiver, 10);
        await h.Receiver.ExpectAsync(Eot);
        await send;
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 0, 1, 2], h.Receiver.Frames.Select(f => f.Number));
    }
}
