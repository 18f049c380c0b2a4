using EdgeLab.Instruments.Link.Mllp;
using EdgeLab.Testing;

namespace EdgeLab.Instruments.Tests.Mllp;

/// <summary>The sending side: a reply block is returned without framing; no reply within the timeout is a typed error.</summary>
public sealed class MllpClientTests
{
    [Fact]
    public async Task Reply_block_is_returned_and_junk_before_it_counted()
    {
        var pipe = new MllpTestPipe();
        var time = new FakeTimeProvider();
        await using var client = new MllpClient(pipe.Analyzer, time);
        var exchange = client.SendAndReceiveAsync("MSH|x"u8.ToArray(), TimeSpan.FromSeconds(10), CancellationToken.None);

        var sent = new byte[8];
        await pipe.Gateway.ReadExactlyAsync(sent);
        Assert.Equal(MllpFraming.Wrap("MSH|x"u8), sent);
        await pipe.Gateway.WriteAsync((byte[])[.. "\r\n"u8, .. MllpFraming.Wrap("MSH|ack"u8)]);

        Assert.Equal("MSH|ack"u8.ToArray(), await exchange);
        Assert.Equal(2, client.JunkBytes);
    }

    [Fact]
    public async Task No_reply_within_the_timeout_is_a_typed_timeout()
    {
        var pipe = new MllpTestPipe();
        var time = new FakeTimeProvider();
        await using var client = new MllpClient(pipe.Analyzer, time);
        var exchange = client.SendAndReceiveAsync("MSH|x"u8.ToArray(), TimeSpan.FromSeconds(10), CancellationToken.None);
        while (time.ArmedTimerCount == 0) await Task.Yield();

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(exchange.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var e = await Assert.ThrowsAsync<MllpException>(() => exchange);
        Assert.Equal(MllpErrorKind.Timeout, e.Kind);
    }

    [Fact]
    public async Task Peer_closing_is_a_typed_error()
    {
        var pipe = new MllpTestPipe();
        await using var client = new MllpClient(pipe.Analyzer, new FakeTimeProvider());
        var receive = client.ReceiveAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        await ((Stream)pipe.Gateway).WriteAsync(new byte[] { 0x0B, (byte)'M' });
        await CloseGatewayWriterAsync(pipe);
        var e = await Assert.ThrowsAsync<MllpException>(() => receive);
        Assert.Equal(MllpErrorKind.ConnectionClosed, e.Kind);
    }

    private static async Task CloseGatewayWriterAsync(MllpTestPipe pipe) => await pipe.CloseGatewayAsync();
}
