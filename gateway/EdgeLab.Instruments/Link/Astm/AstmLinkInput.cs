using System.Buffers;
using System.IO.Pipelines;

namespace EdgeLab.Instruments.Link.Astm;

internal enum AstmInputEvent : byte
{
    /// <summary>A token is in <see cref="AstmLinkInput.Current"/>.</summary>
    Token,

    /// <summary>The deadline passed or <see cref="AstmLinkInput.Wake"/> was called: look at the clock and the queue.</summary>
    Woken,

    /// <summary>The instrument closed the connection.</summary>
    Completed,
}

/// <summary>
/// Owns the receiving side of one connection: a pump copies the stream into a pipe (the stream is read by nobody
/// else and its reads are never cancelled half-way, which serial streams do not all support), the frame reader turns
/// the pipe's bytes into tokens, and one deadline timer from the injected <see cref="TimeProvider"/> wakes the reader
/// for the protocol's timeouts (LIS01-A2 §6.5.2) without exceptions.
/// </summary>
internal sealed class AstmLinkInput : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly TimeProvider _time;
    private readonly AstmFrameReader _frames;
    private readonly Pipe _pipe = new(new PipeOptions(
        pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, useSynchronizationContext: false));
    private readonly CancellationTokenSource _pumpStop = new();
    private readonly object _timerGate = new();
    private Task _pump = Task.CompletedTask;
    private ITimer? _timer;
    private long _deadlineGeneration;
    private volatile bool _deadlineFired;
    private volatile bool _woken;
    private ReadOnlySequence<byte> _buffer;
    private bool _holdingBuffer;
    private bool _completed;

    public AstmLinkInput(Stream stream, TimeProvider time, AstmFrameReader frames)
    {
        _stream = stream;
        _time = time;
        _frames = frames;
    }

    /// <summary>The last token read; its slices stay valid until the next <see cref="NextAsync"/>.</summary>
    public AstmToken Current { get; private set; }

    public bool DeadlineFired => _deadlineFired;

    public void Start(CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _pumpStop.Token);
        _pump = Task.Run(() => PumpAsync(linked), CancellationToken.None);
    }

    /// <summary>Arms the one deadline (replacing any other): <see cref="NextAsync"/> returns Woken once it passes.</summary>
    public void SetDeadline(TimeSpan after)
    {
        lock (_timerGate)
        {
            _timer?.Dispose();
            var generation = ++_deadlineGeneration;
            _deadlineFired = false;
            _timer = _time.CreateTimer(OnDeadline, generation, after < TimeSpan.Zero ? TimeSpan.Zero : after, Timeout.InfiniteTimeSpan);
        }
    }

    public void ClearDeadline()
    {
        lock (_timerGate)
        {
            _timer?.Dispose();
            _timer = null;
            _deadlineGeneration++;
            _deadlineFired = false;
        }
    }

    /// <summary>Makes a pending or the next <see cref="NextAsync"/> return Woken (new outbound data, an interrupt request).</summary>
    public void Wake()
    {
        _woken = true;
        _pipe.Reader.CancelPendingRead();
    }

    /// <summary>Clears and returns the wake flag.</summary>
    public bool TakeWake()
    {
        var woken = _woken;
        _woken = false;
        return woken;
    }

    /// <summary>Next token, or Woken, or Completed. Tokens already received come before a wake-up.</summary>
    public async ValueTask<AstmInputEvent> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_holdingBuffer)
            {
                var rest = _buffer;
                if (_frames.TryRead(ref rest, out var token))
                {
                    _buffer = rest;
                    Current = token;
                    return AstmInputEvent.Token;
                }
                _pipe.Reader.AdvanceTo(rest.Start, rest.End);
                _holdingBuffer = false;
                if (_completed) return AstmInputEvent.Completed;
                if (_deadlineFired || _woken) return AstmInputEvent.Woken;
            }
            var result = await _pipe.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            _buffer = result.Buffer;
            _holdingBuffer = true;
            _completed = result.IsCompleted;
        }
    }

    /// <summary>
    /// Stops reading. The pump is told to stop but not awaited: a serial read that ignores cancellation ends when the
    /// owner disposes the stream, which happens after the session returns.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        ClearDeadline();
        await _pumpStop.CancelAsync().ConfigureAwait(false);
        if (_holdingBuffer) _pipe.Reader.AdvanceTo(_buffer.End);
        _holdingBuffer = false;
        await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
    }

    private void OnDeadline(object? state)
    {
        lock (_timerGate)
        {
            if ((long)state! != _deadlineGeneration) return;
            _deadlineFired = true;
        }
        _pipe.Reader.CancelPendingRead();
    }

    private async Task PumpAsync(CancellationTokenSource stop)
    {
        var writer = _pipe.Writer;
        Exception? failure = null;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(4096);
                var read = await _stream.ReadAsync(memory, stop.Token).ConfigureAwait(false);
                if (read == 0) break;
                writer.Advance(read);
                var flushed = await writer.FlushAsync(stop.Token).ConfigureAwait(false);
                if (flushed.IsCompleted) break;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: the session is ending.
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            stop.Dispose();
        }
        await writer.CompleteAsync(failure).ConfigureAwait(false);
    }
}
