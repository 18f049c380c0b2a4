using EdgeLab.Instruments.Link.Astm;
using EdgeLab.Testing;
using static EdgeLab.Instruments.Tests.Astm.AstmTestBytes;

namespace EdgeLab.Instruments.Tests.Astm;

/// <summary>
/// Issue 10 item 8: a host query answer that could not be delivered (the analyzer hung up before EOT) was replayed on
/// its next connection, where the gateway bid for the line at once and collided with the analyzer's own ENQ.
/// </summary>
public sealed class StaleReplyTests
{
    [Fact]
    public async Task A_query_answer_left_unsent_when_the_connection_ends_is_dropped_not_sent_on_the_next_connection()
    {
        var handler = new RecordingAstmHandler { Decide = _ => Task.FromResult(new AstmMessageOutcome(true, ["H|\\^&", "L|1|I"])) };
        var session = new AstmLinkSession(AstmLinkHarness.Options(), handler, new FakeTimeProvider());

        var (first, analyzer) = InMemoryDuplexStream.CreatePair();
        var running = session.RunAsync(first, CancellationToken.None);
        await analyzer.WriteAsync(new[] { Enq });
        Assert.Equal(Ack, await ReadByteAsync(analyzer));
        await analyzer.WriteAsync(Frame(1, "H|\\^&\rQ|1|^S-1||ALL\rL|1|N\r"));
        Assert.Equal(Ack, await ReadByteAsync(analyzer));
        analyzer.CompleteWriting(); // hangs up before its EOT: the answer cannot go out
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        var (second, again) = InMemoryDuplexStream.CreatePair();
        running = session.RunAsync(second, CancellationToken.None);
        await again.WriteAsync(new[] { Enq });
        // The analyzer's ENQ is answered; the gateway did not bid with a stale answer first.
        Assert.Equal(Ack, await ReadByteAsync(again));
        await again.WriteAsync(new[] { Eot });
        again.CompleteWriting();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(again.ReadAvailable());
    }

    private static async Task<byte> ReadByteAsync(Stream stream)
    {
        var one = new byte[1];
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await stream.ReadAsync(one, guard.Token));
        return one[0];
    }
}
