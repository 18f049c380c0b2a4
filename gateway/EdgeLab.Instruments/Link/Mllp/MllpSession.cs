using System.IO.Pipelines;
using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Outbound;
using EdgeLab.Instruments.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Instruments.Link.Mllp;

/// <summary>
/// The gateway (receiving) side of MLLP (HL7 v2.5 Appendix C) for one instrument connection: reads blocks
/// (VT … FS CR), skips junk and oversized blocks, hands each message to an <see cref="IMllpMessageHandler"/> and
/// sends back what it answers (acknowledgements, query answers), framed. It does not decode, commit or answer
/// anything itself: that is the application layer (<c>Application/Hl7/Hl7MessageProcessor</c>), which commits
/// before it returns the acknowledgement (DESIGN.md guarantee 1). Bad input never ends the session.
/// </summary>
public sealed class MllpSession : IInstrumentProtocolSession
{
    private readonly string _instrumentId;
    private readonly IMllpMessageHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="instrumentId">The instrument this connection belongs to (for logs).</param>
    /// <param name="handler">The application layer that commits each message and says what to answer.</param>
    /// <param name="time">Clock for arrival times.</param>
    public MllpSession(string instrumentId, IMllpMessageHandler handler, TimeProvider time, ILogger<MllpSession>? logger = null)
    {
        _instrumentId = instrumentId;
        _handler = handler;
        _time = time;
        _logger = logger ?? NullLogger<MllpSession>.Instance;
    }

    /// <summary>
    /// Convenience for tests and tools: the link composed with the HL7 application layer for <paramref name="profile"/>,
    /// as the gateway's pipeline factory composes them.
    /// </summary>
    public MllpSession(string instrumentId, InstrumentProfile profile, IInstrumentMessageSink sink, HostQuery.IOrderCache orders,
        TimeProvider time, TimeZoneInfo siteZone, ILogger<MllpSession>? logger = null)
        : this(instrumentId, new Application.Hl7.Hl7MessageProcessor(instrumentId, profile, sink, orders, time, siteZone, logger), time, logger)
    {
    }

    /// <summary>Bytes skipped outside blocks, and blocks discarded for size, since the session started.</summary>
    public long JunkBytes { get; private set; }

    public int OversizedBlocks { get; private set; }

    public async Task RunAsync(Stream connection, CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(connection, new StreamPipeReaderOptions(leaveOpen: true));
        var frames = new MllpFrameReader(_handler.MaxMessageSize);
        DateTimeOffset? firstByteAt = null;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = read.Buffer;
                if (!buffer.IsEmpty) firstByteAt ??= _time.GetUtcNow();
                while (frames.TryRead(ref buffer, read.IsCompleted, out var item))
                {
                    switch (item.Kind)
                    {
                        case MllpItemKind.Block:
                            if (item.MissingTrailingCr) MllpSessionLog.MissingTrailingCr(_logger, _instrumentId, item.StreamOffset);
                            var wire = System.Buffers.BuffersExtensions.ToArray(item.Wire);
                            var replies = await _handler.OnMessageAsync(wire, (int)item.Payload.Length, firstByteAt ?? _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                            foreach (var reply in replies) await SendAsync(connection, reply, cancellationToken).ConfigureAwait(false);
                            break;
                        case MllpItemKind.Junk:
                            JunkBytes += item.Length;
                            MllpSessionLog.JunkSkipped(_logger, _instrumentId, item.Length, item.StreamOffset);
                            break;
                        case MllpItemKind.TooLarge:
                            OversizedBlocks++;
                            MllpSessionLog.BlockTooLarge(_logger, _instrumentId, item.Length, item.StreamOffset, _handler.MaxMessageSize);
                            break;
                    }
                    firstByteAt = buffer.IsEmpty ? null : _time.GetUtcNow();
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted) return;
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static async Task SendAsync(Stream connection, byte[] message, CancellationToken ct)
    {
        await connection.WriteAsync(MllpFraming.Wrap(message), ct).ConfigureAwait(false);
        await connection.FlushAsync(ct).ConfigureAwait(false);
    }
}
