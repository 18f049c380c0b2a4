using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Outbound;
using EdgeLab.Instruments.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Instruments.Link.Astm;

/// <summary>Where the link is; the names are LIS01-A2 §6's phases. Tests wait on it before moving the fake clock.</summary>
internal enum AstmLinkPhase : byte
{
    Idle,
    /// <summary>Neutral (§6.1): nobody owns the line.</summary>
    Neutral,
    /// <summary>Neutral with a message to send, waiting out a delay (NAK 10 s, contention 20 s / 1 s, interrupt 15 s).</summary>
    WaitingToBid,
    /// <summary>We sent ENQ and wait for the reply (§6.2).</summary>
    Establishing,
    /// <summary>We sent a frame and wait for ACK/NAK/EOT (§6.3).</summary>
    Sending,
    /// <summary>We acknowledged ENQ and receive frames (§6.3).</summary>
    Receiving,
}

/// <summary>
/// ASTM E1381-95 / CLSI LIS01-A2 data link over one duplex stream, both directions: receives the instrument's
/// messages (hands each to <see cref="IAstmMessageHandler"/> and ACKs its last frame only once it is committed) and
/// sends ours (host query answers, orders) through <see cref="SendAsync"/>. See README.md beside this file.
/// </summary>
/// <remarks>
/// One session object serves an instrument for the gateway's lifetime: <see cref="RunAsync"/> is called again for
/// each new connection; messages queued with <see cref="SendAsync"/> wait across reconnects.
/// </remarks>
public sealed partial class AstmLinkSession : IInstrumentProtocolSession
{
    private static readonly byte[] EnqByte = [AstmControl.Enq];
    private static readonly byte[] AckByte = [AstmControl.Ack];
    private static readonly byte[] NakByte = [AstmControl.Nak];
    private static readonly byte[] EotByte = [AstmControl.Eot];

    private readonly AstmLinkOptions _options;
    private readonly IAstmMessageHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AstmTranscriptRecorder _transcript;
    private readonly AstmMessageAssembler _assembler = new();
    private readonly object _gate = new();
    private readonly LinkedList<OutboundMessage> _outbound = new();
    private AstmLinkInput? _input;
    private Stream? _stream;
    private DateTimeOffset _notBefore;
    private bool _holdOffUntilPeerSent;
    private volatile bool _interruptRequested;
    private volatile AstmLinkPhase _phase;

    public AstmLinkSession(AstmLinkOptions options, IAstmMessageHandler handler, TimeProvider? timeProvider = null, ILogger<AstmLinkSession>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _transcript = new AstmTranscriptRecorder(_time);
    }

    /// <summary>A session with the link settings of the instrument's profile (frame size, line-end tolerance, encoding).</summary>
    public AstmLinkSession(string instrumentId, InstrumentProfile profile, IAstmMessageHandler handler, TimeProvider? timeProvider = null, ILogger<AstmLinkSession>? logger = null)
        : this(AstmLinkOptions.FromProfile(instrumentId, profile), handler, timeProvider, logger)
    {
    }

    public AstmLinkOptions Options => _options;

    internal AstmLinkPhase Phase => _phase;

    /// <summary>
    /// Queues a message (records without their CR, e.g. <c>H|\^&amp;</c> … <c>L|1|N</c>) to send as soon as the line is
    /// neutral and the standard's delays allow. Completes when it was sent or given up; records are checked at once
    /// (a CR or restricted character inside a record throws <see cref="ArgumentException"/>).
    /// </summary>
    /// <param name="urgent">Also ask the instrument, if it is sending, to release the line (receiver interrupt, LIS01-A2 §6.3.5).</param>
    public Task<AstmSendResult> SendAsync(IReadOnlyList<string> records, bool urgent = false, CancellationToken cancellationToken = default)
    {
        var message = AstmOutgoingMessage.Create(records, _options.TextEncoding, _options.MaxFrameSize);
        var item = new OutboundMessage(message, urgent);
        lock (_gate) _outbound.AddLast(item);
        if (cancellationToken.CanBeCanceled)
        {
            // Only a message still waiting in the queue can be withdrawn; one on the wire finishes its transmission.
            var registration = cancellationToken.Register(() =>
            {
                bool removed;
                lock (_gate) removed = _outbound.Remove(item);
                if (removed) item.Completion.TrySetCanceled(cancellationToken);
            });
            item.Completion.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        if (urgent) RequestInterrupt();
        _input?.Wake();
        return item.Completion.Task;
    }

    /// <summary>
    /// While the instrument is sending, answer its frames with EOT in place of ACK: a positive acknowledgement that also
    /// asks it to release the line (LIS01-A2 §6.3.5). It may ignore the request; the request lasts until it ends its
    /// transmission.
    /// </summary>
    public void RequestInterrupt()
    {
        _interruptRequested = true;
        AstmLinkLog.InterruptRequested(_logger, _options.InstrumentId);
        _input?.Wake();
    }

    /// <summary>Runs the link over <paramref name="connection"/> until the instrument closes it; cancellation throws.</summary>
    public async Task RunAsync(Stream connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var input = new AstmLinkInput(connection, _time, new AstmFrameReader(_options.MaxFrameSize, _options.TolerateBareLineEnds));
        lock (_gate)
        {
            if (_input is not null) throw new InvalidOperationException("the session is already running on a connection");
            _input = input;
            _stream = connection;
        }
        _notBefore = _time.GetUtcNow();
        _holdOffUntilPeerSent = false;
        _interruptRequested = false;
        _transcript.Clear();
        _assembler.BeginTransmission();
        input.Start(cancellationToken);
        try
        {
            await RunNeutralAsync(input, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ReportIncompleteAsync(IncompleteReason("the connection ended"), CancellationToken.None).ConfigureAwait(false);
            List<OutboundMessage> stale;
            lock (_gate)
            {
                _input = null;
                _stream = null;
                // A host query answer belongs to the connection that asked. Replayed on the next one (issue 10 item 8:
                // a minute later, colliding with the analyzer's own ENQ) it answers nothing the analyzer is waiting
                // for; it asks again if it still wants the answer. Orders queued by the hub wait as before.
                stale = _outbound.Where(m => m.IsReply).ToList();
                foreach (var m in stale) _outbound.Remove(m);
            }
            foreach (var m in stale)
            {
                AstmLinkLog.StaleReplyDropped(_logger, _options.InstrumentId);
                m.Completion.TrySetResult(new AstmSendResult(AstmSendStatus.ConnectionClosed, m.Bids));
            }
            _phase = AstmLinkPhase.Idle;
            await input.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The neutral state (LIS01-A2 §6.1): wait for the instrument's ENQ, or bid for the line when we have a message.</summary>
    private async Task RunNeutralAsync(AstmLinkInput input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = PeekOutbound();
            if (next is not null)
            {
                var wait = _notBefore - _time.GetUtcNow();
                if (wait <= TimeSpan.Zero)
                {
                    if (!await SendTransmissionAsync(input, cancellationToken).ConfigureAwait(false)) return;
                    continue;
                }
                input.SetDeadline(wait);
                _phase = AstmLinkPhase.WaitingToBid;
            }
            else
            {
                input.ClearDeadline();
                _phase = AstmLinkPhase.Neutral;
            }

            switch (await input.NextAsync(cancellationToken).ConfigureAwait(false))
            {
                case AstmInputEvent.Completed:
                    return;
                case AstmInputEvent.Woken:
                    input.TakeWake();
                    continue;
            }
            var token = input.Current;
            if (token.Kind == AstmTokenKind.Control && token.Control == AstmControl.Enq)
            {
                if (!await ReceiveTransmissionAsync(input, cancellationToken).ConfigureAwait(false)) return;
                continue;
            }
            // In the neutral state everything but ENQ is ignored (LIS01-A2 §6.1).
            AstmLinkLog.IgnoredInNeutral(_logger, _options.InstrumentId, DescribeKind(token), token.Offset);
        }
    }

    private OutboundMessage? PeekOutbound()
    {
        lock (_gate) return _outbound.First?.Value;
    }

    private OutboundMessage? TakeOutbound()
    {
        lock (_gate)
        {
            var first = _outbound.First?.Value;
            if (first is not null) _outbound.RemoveFirst();
            return first;
        }
    }

    private void PutBackFirst(OutboundMessage item)
    {
        lock (_gate) _outbound.AddFirst(item);
    }

    private async ValueTask WriteAsync(byte[] bytes, int length, bool record, CancellationToken cancellationToken)
    {
        if (record) _transcript.Add(TranscriptDirection.ToInstrument, bytes.AsSpan(0, length));
        var stream = _stream!;
        await stream.WriteAsync(bytes.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private ValueTask WriteAsync(byte[] bytes, bool record, CancellationToken cancellationToken) =>
        WriteAsync(bytes, bytes.Length, record, cancellationToken);

    private static string DescribeKind(in AstmToken token) => token.Kind switch
    {
        AstmTokenKind.Control => AstmControl.Name(token.Control),
        AstmTokenKind.Frame => "frame",
        AstmTokenKind.Error => "bad frame",
        _ => "noise",
    };

    /// <summary>A message waiting to be sent, with whoever waits for the result.</summary>
    private sealed class OutboundMessage(AstmOutgoingMessage message, bool urgent, bool isReply = false)
    {
        /// <summary>An answer to what the instrument asked on this connection (a host query): stale once it ends.</summary>
        public bool IsReply { get; } = isReply;

        public AstmOutgoingMessage Message { get; } = message;
        public bool Urgent { get; } = urgent;
        public int Bids { get; set; }
        public int FailedBids { get; set; }
        public TaskCompletionSource<AstmSendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
