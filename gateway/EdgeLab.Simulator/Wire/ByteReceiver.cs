using System.Threading.Channels;

namespace EdgeLab.Simulator.Wire;

/// <summary>
/// Reads the receiver's bytes on a background pump so that every wait for a reply can carry a protocol timer
/// driven by a <see cref="TimeProvider"/> (a fake clock in tests), whatever the stream's own cancellation support.
/// </summary>
internal sealed class ByteReceiver : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly TimeProvider _time;
    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private byte[] _current = [];
    private int _offset;

    public ByteReceiver(Stream stream, TimeProvider time)
    {
        _stream = stream;
        _time = time;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>
    /// The next byte, or null when <paramref name="timeout"/> passes first. Throws <see cref="SimulatorLinkException"/>
    /// (<see cref="LinkFailure.Closed"/>) when the connection has ended.
    /// </summary>
    public async ValueTask<byte?> ReadByteAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The timer is started even when a byte is already buffered, so every protocol wait is one timer on the
        // clock: tests on a fake clock can then count "the sender's third 15 s wait" deterministically.
        using var timer = new CancellationTokenSource(timeout, _time);
        if (_offset < _current.Length) return _current[_offset++];
        if (_chunks.Reader.TryRead(out var ready)) return Take(ready);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            return Take(await _chunks.Reader.ReadAsync(linked.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException e)
        {
            throw new SimulatorLinkException(LinkFailure.Closed,
                "the receiver closed the connection" + (e.InnerException is { } inner ? $" ({inner.Message})" : "") +
                ": is the gateway running and configured for this instrument?", e.InnerException);
        }
    }

    /// <summary>Drops whatever has arrived but not been read (stale replies before a new establishment).</summary>
    public void DiscardPending()
    {
        _offset = _current.Length;
        while (_chunks.Reader.TryRead(out _))
        {
        }
    }

    private byte Take(byte[] chunk)
    {
        _current = chunk;
        _offset = 1;
        return chunk[0];
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (n == 0) break;
                await _chunks.Writer.WriteAsync(buffer[..n], _stop.Token).ConfigureAwait(false);
            }
            _chunks.Writer.TryComplete();
        }
        catch (OperationCanceledException)
        {
            _chunks.Writer.TryComplete();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _chunks.Writer.TryComplete(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
