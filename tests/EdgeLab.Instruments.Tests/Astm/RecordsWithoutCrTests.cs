using EdgeLab.Instruments.Link.Astm;
using static EdgeLab.Instruments.Tests.Astm.AstmTestBytes;

namespace EdgeLab.Instruments.Tests.Astm;

/// <summary>
/// Issue 10 item 6: a sender that ends its records without CR. The records ran together, the L record was never seen,
/// and the message was quarantined as "not acknowledged, expect a retransmission" although every frame had been ACKed.
/// </summary>
public sealed class RecordsWithoutCrTests
{
    [Fact]
    public async Task One_record_per_frame_without_CR_is_read_as_separate_records_and_completes_on_the_L_record()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        string[] records = ["H|\\^&|||XN^1", "P|1", "O|1|S-1||^^^GLU", "R|1|^^^GLU|5.1|mmol/L||N||F", "L|1|N"];
        for (var i = 0; i < records.Length; i++)
        {
            await link.SendFrameAsync(i + 1, records[i]);
            await link.ExpectAsync(Ack);
        }
        await link.SendAsync(Eot);
        await link.Handler.WaitForMessageAsync();

        var message = Assert.Single(link.Handler.Messages);
        Assert.Equal(string.Join('\r', records), Latin1(message.Text));
        Assert.Empty(link.Handler.Incomplete);
    }

    [Fact]
    public async Task Records_run_together_inside_one_frame_are_quarantined_saying_no_retransmission_will_come()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        // Ambiguous: nothing marks where one record ends inside the frame, so no L record is found.
        await link.SendFrameAsync(1, "H|\\^&|||XN^1P|1O|1|S-1||^^^GLUR|1|^^^GLU|5.1L|1|N");
        await link.ExpectAsync(Ack);
        await link.SendAsync(Eot);

        var (partial, reason) = await link.Handler.WaitForIncompleteAsync();
        Assert.StartsWith("H|", Latin1(partial.Text), StringComparison.Ordinal);
        Assert.Contains("every frame was acknowledged, so the analyzer will not send it again", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("sends it again", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_cut_after_a_NAK_is_quarantined_saying_the_analyzer_sends_it_again()
    {
        await using var link = AstmLinkHarness.Start();
        await link.SendAsync(Enq);
        await link.ExpectAsync(Ack);
        await link.SendFrameAsync(1, "H|\\^&|||XN^1\r");
        await link.ExpectAsync(Ack);
        await link.SendAsync(FrameWithChecksum(2, "P|1\r", "00"));
        await link.ExpectAsync(Nak);
        await link.SendAsync(Eot);

        var (_, reason) = await link.Handler.WaitForIncompleteAsync();
        Assert.Contains("not acknowledged, so the analyzer keeps the message and sends it again", reason, StringComparison.Ordinal);
    }
}
