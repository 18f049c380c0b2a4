using System.Text;
using System.Threading.Channels;

namespace EdgeLab.Simulator.Tests.Support;

/// <summary>A frame as the scripted receiver saw it, with its own verdict on the checksum.</summary>
internal sealed record ReceivedFrame(int Number, string Text, bool IsLast, bool ChecksumOk, int WireLength);

/// <summary>
/// The test's own receiver (a scripted LIS host): written from the standard, independently of the simulator, it
/// reads the bytes of a wire and lets a test script each reply. Every read has a real-time guard so a broken sender
/// fails the test instead of hanging it.
/// </summary>
internal sealed class ScriptedLisReceiver : IAsyncDisposable
{
    public const byte Stx = 2, Etx = 3, Eot = 4, Enq = 5, Ack = 6, Nak = 0x15, Etb = 0x17, Vt = 0x0B, Fs = 0x1C;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);
    private readonly Stream _stream;
    private readonly Channel<byte> _bytes = Channel.CreateUnbounded<byte>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public ScriptedLisReceiver(Stream stream)
    {
        _stream = stream;
        _pump = Task.Run(PumpAsync);
    }

    public List<ReceivedFrame> Frames { get; } = [];
    public List<List<string>> Messages { get; } = [];
    public List<string> Hl7Messages { get; } = [];

    /// <summary>The next byte, or throws when none comes within the guard (20 s real time).</summary>
    public async Task<byte> ReadByteAsync(TimeSpan? guard = null)
    {
        using var cts = new CancellationTokenSource(guard ?? Guard);
        try
        {
            return await _bytes.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("the sender sent nothing within the guard time");
        }
    }

    /// <summary>True when no byte arrives within <paramref name="window"/> (real time).</summary>
    public async Task<bool> IsSilentAsync(TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        try
        {
            return !await _bytes.Reader.WaitToReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public async Task ExpectAsync(byte expected)
    {
        var b = await ReadByteAsync();
        Assert.True(b == expected, $"expected 0x{expected:X2}, got 0x{b:X2}");
    }

    public async Task SendAsync(params byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Reads one frame (STX already consumed when <paramref name="stxRead"/>), checking its checksum.</summary>
    public async Task<ReceivedFrame> ReadFrameAsync(bool stxRead = false)
    {
        if (!stxRead) await ExpectAsync(Stx);
        var body = new List<byte>();
        byte b;
        while ((b = await ReadByteAsync()) is not (Etx or Etb)) body.Add(b);
        var c1 = await ReadByteAsync();
        var c2 = await ReadByteAsync();
        var cr = await ReadByteAsync();
        var lf = await ReadByteAsync();
        Assert.Equal(0x0D, cr);
        Assert.Equal(0x0A, lf);
        var sum = 0;
        foreach (var x in body) sum += x;
        sum = (sum + b) & 0xFF;
        var frame = new ReceivedFrame(body[0] - '0', Encoding.Latin1.GetString(body.Skip(1).ToArray()), b == Etx,
            $"{sum:X2}" == $"{(char)c1}{(char)c2}", body.Count + 6);
        Frames.Add(frame);
        return frame;
    }

    /// <summary>Takes one transmission from the sender (ACKing ENQ and every frame) up to and including its EOT.</summary>
    public async Task ServeUntilEotAsync()
    {
        await ExpectAsync(Enq);
        await SendAsync(Ack);
        while (await ReadByteAsync() is var b && b != Eot)
        {
            Assert.Equal(Stx, b);
            await ReadFrameAsync(stxRead: true);
            await SendAsync(Ack);
        }
    }

    /// <summary>
    /// A whole-hearted receiver: ACKs every ENQ, every good frame (NAKs bad ones), every MLLP block (with MSA|AA),
    /// collecting messages, until <paramref name="cancellationToken"/> or the stream ends.
    /// </summary>
    public async Task ServeAsync(CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var expected = 1;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                byte b;
                try
                {
                    b = await _bytes.Reader.ReadAsync(cancellationToken);
                }
                catch (ChannelClosedException)
                {
                    return;
                }
                if (b == Enq)
                {
                    expected = 1;
                    await SendAsync(Ack);
                }
                else if (b == Stx)
                {
                    var frame = await ReadFrameAsync(stxRead: true);
                    if (!frame.ChecksumOk || frame.Number != expected)
                    {
                        await SendAsync(Nak);
                        continue;
                    }
                    expected = (expected + 1) % 8;
                    text.Append(frame.Text);
                    await SendAsync(Ack);
                }
                else if (b == Eot)
                {
                    if (text.Length > 0) Messages.Add([.. text.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries)]);
                    text.Clear();
                }
                else if (b == Vt)
                {
                    var block = new List<byte>();
                    while ((b = await ReadByteAsync()) != Fs) block.Add(b);
                    await ReadByteAsync(); // CR
                    var message = Encoding.Latin1.GetString([.. block]);
                    Hl7Messages.Add(message);
                    var control = message.Split('\r')[0].Split('|').ElementAtOrDefault(9);
                    await SendAsync([Vt, .. Encoding.Latin1.GetBytes($"MSH|^~\\&|LIS|LAB|||20261121||ACK^R01|A{control}|P|2.3.1\rMSA|AA|{control}\r"), Fs, 0x0D]);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _stream.ReadAsync(buffer, _stop.Token);
                if (n == 0) break;
                for (var i = 0; i < n; i++) await _bytes.Writer.WriteAsync(buffer[i]);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
        _bytes.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _pump.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
        }
        _stop.Dispose();
    }
}
