using EdgeLab.Instruments.Link.Astm;
using EdgeLab.Testing;

namespace EdgeLab.Instruments.Tests.Astm;

/// <summary>
/// A session under test over an in-memory line, with a scripted peer on the other end and a fake clock. Reads wait for
/// the session's bytes (bounded by a wall-clock guard so a broken rule fails instead of hanging); time only moves when
/// a test advances the clock.
/// </summary>
internal sealed class AstmLinkHarness : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stop = new();

    private AstmLinkHarness(AstmLinkOptions options, RecordingAstmHandler handler)
    {
        Handler = handler;
        (SessionEnd, Peer) = InMemoryDuplexStream.CreatePair();
        Session = new AstmLinkSession(options, handler, Clock);
        Run = Session.RunAsync(SessionEnd, _stop.Token);
    }

    public FakeTimeProvider Clock { get; } = new();
    public RecordingAstmHandler Handler { get; }
    public AstmLinkSession Session { get; }
    public InMemoryDuplexStream SessionEnd { get; }
    public InMemoryDuplexStream Peer { get; }
    public Task Run { get; }

    public static AstmLinkHarness Start(AstmLinkOptions? options = null, RecordingAstmHandler? handler = null) =>
        new(options ?? new AstmLinkOptions { InstrumentId = "analyzer-1" }, handler ?? new RecordingAstmHandler());

    public static AstmLinkOptions Options(int maxFrameSize = 247, bool tolerant = false, LinkRole role = LinkRole.Computer) =>
        new() { InstrumentId = "analyzer-1", MaxFrameSize = maxFrameSize, TolerateBareLineEnds = tolerant, Role = role };

    public Task SendAsync(params byte[] bytes) => Peer.WriteAsync(bytes).AsTask();

    public Task SendFrameAsync(int frameNumber, string text, bool isFinal = true) => SendAsync(AstmTestBytes.Frame(frameNumber, text, isFinal));

    public async Task<byte> ReadByteAsync()
    {
        var one = new byte[1];
        using var guard = new CancellationTokenSource(Guard);
        var read = await Peer.ReadAsync(one, guard.Token);
        if (read == 0) throw new EndOfStreamException("the session closed the line");
        return one[0];
    }

    public async Task ExpectAsync(byte expected)
    {
        var actual = await ReadByteAsync();
        Assert.True(expected == actual, $"expected 0x{expected:X2}, got 0x{actual:X2}");
    }

    /// <summary>Reads one frame the session sent, STX through LF.</summary>
    public async Task<byte[]> ReadFrameAsync()
    {
        var frame = new List<byte>();
        var first = await ReadByteAsync();
        Assert.True(first == AstmTestBytes.Stx, $"expected STX, got 0x{first:X2}");
        frame.Add(first);
        while (frame[^1] != AstmTestBytes.Lf) frame.Add(await ReadByteAsync());
        return [.. frame];
    }

    /// <summary>The session has written nothing that the peer has not read.</summary>
    public void ExpectSilence()
    {
        var pending = Peer.ReadAvailable();
        Assert.True(pending.Length == 0, $"expected silence, got {Convert.ToHexString(pending)}");
    }

    /// <summary>Waits (wall clock, bounded) until the session is in <paramref name="phase"/> with its timer armed.</summary>
    public async Task WaitForPhaseAsync(AstmLinkPhase phase)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (Session.Phase != phase)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"session stayed in {Session.Phase}, expected {phase}");
            await Task.Delay(1);
        }
    }

    /// <summary>Plays an instrument sending one message: ENQ, frames (each ACKed), EOT.</summary>
    public async Task SendMessageAsync(params string[] records)
    {
        await SendAsync(AstmTestBytes.Enq);
        await ExpectAsync(AstmTestBytes.Ack);
        var fn = 1;
        foreach (var record in records)
        {
            await SendFrameAsync(fn, record + "\r");
            await ExpectAsync(AstmTestBytes.Ack);
            fn = (fn + 1) % 8;
        }
        await SendAsync(AstmTestBytes.Eot);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Run.WaitAsync(Guard);
        }
        catch (OperationCanceledException)
        {
        }
        Peer.Dispose();
        SessionEnd.Dispose();
        _stop.Dispose();
    }
}

internal static class AstmLinkHarnessExtensions
{
    /// <summary>ENQ, H and L frames; the reply to the last frame must be <paramref name="lastReply"/>.</summary>
    public static async Task SendMessageAsync_ExpectingLast(this AstmLinkHarness link, byte lastReply)
    {
        await link.SendAsync(AstmTestBytes.Enq);
        await link.ExpectAsync(AstmTestBytes.Ack);
        await link.SendFrameAsync(1, "H|\\^&\r");
        await link.ExpectAsync(AstmTestBytes.Ack);
        await link.SendFrameAsync(2, "L|1|N\r");
        await link.ExpectAsync(lastReply);
    }
}
