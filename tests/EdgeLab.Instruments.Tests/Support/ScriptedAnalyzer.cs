namespace EdgeLab.Instruments.Tests.Support;

/// <summary>
/// An analyzer replaying a capture as LIS01-A2 §6 has it send: ENQ, then each frame after the previous one was
/// ACKed, then EOT; or an MLLP block, resent until an acknowledgement block comes back (HL7 v2.5 Appendix C).
/// Every byte it receives is recorded, so a test can say what the gateway sent and when.
/// </summary>
internal sealed class ScriptedAnalyzer(Func<byte[], Task> write, Stream line)
{
    private const byte Enq = 0x05, Ack = 0x06, Eot = 0x04, Stx = 0x02;

    public List<byte> Received { get; } = [];

    /// <summary>ENQ bids (each followed by EOT when unanswered within <paramref name="bidTimeout"/>) until one is answered.</summary>
    public async Task<int> BidUntilAnsweredAsync(TimeSpan bidTimeout, TimeSpan giveUp)
    {
        var bids = 0;
        using var total = new CancellationTokenSource(giveUp);
        while (true)
        {
            total.Token.ThrowIfCancellationRequested();
            bids++;
            await write([Enq]);
            var reply = await ReadByteAsync(bidTimeout);
            if (reply is { } r)
            {
                Assert.Equal(Ack, r);
                return bids;
            }
            await write([Eot]);
        }
    }

    /// <summary>Sends the capture's frames (ENQ and EOT in it are skipped: the bid is separate), each awaiting its ACK.</summary>
    public async Task SendFramesAsync(byte[] capture)
    {
        foreach (var frame in Frames(capture))
        {
            await write(frame);
            Assert.Equal(Ack, await ReadByteAsync(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException("no ACK for a frame"));
        }
        await write([Eot]);
    }

    /// <summary>Writes an MLLP block every <paramref name="resendAfter"/> until a block comes back; returns the reply.</summary>
    public async Task<byte[]> SendBlockUntilAcknowledgedAsync(byte[] block, TimeSpan resendAfter, TimeSpan giveUp)
    {
        using var total = new CancellationTokenSource(giveUp);
        var reply = new List<byte>();
        while (true)
        {
            total.Token.ThrowIfCancellationRequested();
            await write(block);
            while (await ReadByteAsync(reply.Count == 0 ? resendAfter : TimeSpan.FromSeconds(5)) is { } b)
            {
                reply.Add(b);
                if (reply.Count >= 2 && reply[^2] == 0x1C && reply[^1] == 0x0D) return [.. reply];
            }
        }
    }

    public async Task<byte?> ReadByteAsync(TimeSpan timeout)
    {
        var one = new byte[1];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var n = await line.ReadAsync(one, cts.Token);
            if (n == 0) return null;
            Received.Add(one[0]);
            return one[0];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    internal static IEnumerable<byte[]> Frames(byte[] capture)
    {
        var starts = Enumerable.Range(0, capture.Length).Where(i => capture[i] == Stx).ToList();
        for (var k = 0; k < starts.Count; k++)
        {
            var end = k + 1 < starts.Count ? starts[k + 1] : capture.Length;
            var frame = capture[starts[k]..end];
            // The last frame runs up to EOT (or the end of the file): drop it.
            var eot = Array.IndexOf(frame, Eot);
            yield return eot >= 0 ? frame[..eot] : frame;
        }
    }
}
