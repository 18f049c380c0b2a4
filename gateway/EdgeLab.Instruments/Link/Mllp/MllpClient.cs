using System.Buffers;
using System.IO.Pipelines;

namespace EdgeLab.Instruments.Link.Mllp;

/// <summary>
/// The sending side of MLLP (HL7 v2.5 Appendix C.4.3) over one duplex stream: send a message in a block, then wait
/// for the reply block (the ACK) with a timeout on the injected clock. Used by the analyzer simulator and by tests.
/// One exchange at a time: MLLP has no correlation below HL7's MSA-2.
/// </summary>
public sealed class MllpClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly TimeProvider _time;
    private readonly PipeReader _reader;
    private readonly MllpFrameReader _frames;

    /// <param name="stream">A connected duplex stream; not closed by the client.</param>
    /// <param name="time">Clock for reply timeouts.</param>
    /// <param name="maxMessageSize">Largest reply block accepted.</param>
    public MllpClient(Stream stream, TimeProvider time, int maxMessageSize = 4 * 1024 * 1024)
    {
        _stream = stream;
        _time = time;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        _frames = new MllpFrameReader(maxMessageSize);
    }

    /// <summary>Bytes outside blocks skipped while waiting for replies.</summary>
    public long JunkBytes { get; private set; }

    /// <summary>Sends one message (HL7 bytes, no framing) in an MLLP block.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(MllpFraming.Wrap(message.Span), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="message"/> and returns the next block received (the ACK), without framing.</summary>
    /// <exception cref="MllpException">Timeout, connection closed, or a reply larger than the limit.</exception>
    public async Task<byte[]> SendAndReceiveAsync(ReadOnlyMemory<byte> message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return await ReceiveAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for the next block from the peer (e.g. a DSR^Q03 following a QCK^Q02).</summary>
    /// <exception cref="MllpException">Timeout, connection closed, or a block larger than the limit.</exception>
    public async Task<byte[]> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        while (true)
        {
            ReadResult read;
            try
            {
                read = await _reader.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new MllpException(MllpErrorKind.Timeout, $"no reply block within {timeout.TotalSeconds:0.###} s", _frames.Position);
            }
            var buffer = read.Buffer;
            byte[]? block = null;
            while (block is null && _frames.TryRead(ref buffer, read.IsCompleted, out var item))
            {
                switch (item.Kind)
                {
                    case MllpItemKind.Block:
                        block = item.Payload.ToArray();
                        break;
                    case MllpItemKind.Junk:
                        JunkBytes += item.Length;
                        break;
                    case MllpItemKind.TooLarge:
                        _reader.AdvanceTo(buffer.Start, buffer.Start);
                        throw new MllpException(MllpErrorKind.ReplyTooLarge, $"reply block of {item.Length} bytes exceeds {_frames.MaxMessageSize}", item.StreamOffset);
                }
            }
            if (block is not null)
            {
                _reader.AdvanceTo(buffer.Start);
                return block;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
                throw new MllpException(MllpErrorKind.ConnectionClosed, "the peer closed the connection before a reply block", _frames.Position);
        }
    }

    public async ValueTask DisposeAsync() => await _reader.CompleteAsync().ConfigureAwait(false);
}
