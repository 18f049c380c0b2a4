using EdgeLab.Simulator.Faults;
using EdgeLab.Simulator.Tests.Support;
using static EdgeLab.Simulator.Tests.Support.ScriptedLisReceiver;

namespace EdgeLab.Simulator.Tests;

/// <summary>--fault: each requested fault happens once, where asked, and the sender recovers as the standard says.</summary>
public sealed class FaultInjectionTests
{
    private static Fault Parse(string text)
    {
        Assert.True(FaultPlan.TryParse(text, out var fault, out var error), error);
        return fault!;
    }

    [Theory]
    [InlineData("bad-checksum@3", "BadChecksum", 3, 0)]
    [InlineData("drop-frame@1", "DropFrame", 1, 0)]
    [InlineData("pause@2:35", "Pause", 2, 35)]
    [InlineData("eot-mid-message@4", "EotMidMessage", 4, 0)]
    public void Parses_fault_specs(string text, string kind, int at, double seconds)
    {
        Assert.Equal(new Fault(Enum.Parse<FaultKind>(kind), at, TimeSpan.FromSeconds(seconds)), Parse(text));
        Assert.Equal(text, Parse(text).ToString());
    }

    [Theory]
    [InlineData("bad-checksum")]
    [InlineData("flip@2")]
    [InlineData("pause@2")]
    [InlineData("drop-frame@0")]
    public void Rejects_bad_fault_specs_with_the_fix(string text)
    {
        Assert.False(FaultPlan.TryParse(text, out _, out var error));
        Assert.Contains("use", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_checksum_goes_out_once_and_the_resend_is_good()
    {
        await using var h = await SenderHarness.StartAsync(null, Parse("bad-checksum@2"));
        var send = h.SendAsync(SenderHarness.Message("H|\\^&", "O|1|S1", "L|1|N"));
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        for (var i = 0; i < 4; i++)
        {
            var f = await h.Receiver.ReadFrameAsync();
            await h.Receiver.SendAsync(f.ChecksumOk ? Ack : Nak);
        }
        await h.Receiver.ExpectAsync(Eot);
        await send;
        Assert.Equal([true, false, true, true], h.Receiver.Frames.Select(f => f.ChecksumOk));
        Assert.Equal([1, 2, 2, 3], h.Receiver.Frames.Select(f => f.Number));
    }

    [Fact]
    public async Task EOT_mid_message_then_the_whole_message_again()
    {
        await using var h = await SenderHarness.StartAsync(null, Parse("eot-mid-message@2"));
        var send = h.SendAsync(SenderHarness.Message("H|\\^&", "O|1|S1", "L|1|N"));
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        await h.Receiver.ReadFrameAsync();
        await h.Receiver.SendAsync(Ack);
        await h.Receiver.ExpectAsync(Eot);
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        for (var i = 0; i < 3; i++)
        {
            await h.Receiver.ReadFrameAsync();
            await h.Receiver.SendAsync(Ack);
        }
        await h.Receiver.ExpectAsync(Eot);
        await send;
        Assert.Equal(["H|\\^&\r", "H|\\^&\r", "O|1|S1\r", "L|1|N\r"], h.Receiver.Frames.Select(f => f.Text));
    }

    [Fact]
    public async Task Dropped_frame_is_never_sent_so_the_reply_timer_aborts_and_the_message_goes_again()
    {
        await using var h = await SenderHarness.StartAsync(null, Parse("drop-frame@2"));
        var send = h.SendAsync(SenderHarness.Message("H|\\^&", "L|1|N"));
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        await h.Receiver.ReadFrameAsync();
        await h.Receiver.SendAsync(Ack);
        await h.WaitForTimerAsync(15, occurrence: 3); // ENQ, frame 1, then the dropped frame 2's reply timer
        Assert.True(await h.Receiver.IsSilentAsync(TimeSpan.FromMilliseconds(100)));
        h.Clock.Advance(TimeSpan.FromSeconds(15));
        await h.Receiver.ExpectAsync(Eot);
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        for (var i = 0; i < 2; i++)
        {
            await h.Receiver.ReadFrameAsync();
            await h.Receiver.SendAsync(Ack);
        }
        await h.Receiver.ExpectAsync(Eot);
        await send;
        Assert.Contains(h.MachineLines, l => l.StartsWith("ACKED m#1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pause_holds_the_frame_back_for_the_given_time()
    {
        await using var h = await SenderHarness.StartAsync(null, Parse("pause@2:35"));
        var send = h.SendAsync(SenderHarness.Message("H|\\^&", "L|1|N"));
        await h.Receiver.ExpectAsync(Enq);
        await h.Receiver.SendAsync(Ack);
        await h.Receiver.ReadFrameAsync();
        await h.Receiver.SendAsync(Ack);
        await h.WaitForTimerAsync(35);
        h.Clock.Advance(TimeSpan.FromSeconds(34));
        Assert.True(await h.Receiver.IsSilentAsync(TimeSpan.FromMilliseconds(100)));
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await h.Receiver.ReadFrameAsync();
        Assert.Equal("L|1|N\r", second.Text);
        await h.Receiver.SendAsync(Ack);
        await h.Receiver.ExpectAsync(Eot);
        await send;
    }
}
