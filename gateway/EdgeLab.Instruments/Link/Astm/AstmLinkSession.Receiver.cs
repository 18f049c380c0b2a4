using EdgeLab.Instruments.Outbound;

namespace EdgeLab.Instruments.Link.Astm;

/// <summary>The receiver: establishment answered, transfer phase, termination (LIS01-A2 §6.2–§6.4 from the receiving side).</summary>
public sealed partial class AstmLinkSession
{
    private DateTimeOffset _firstFrameAt;
    private bool _lastFrameAcknowledged;

    /// <summary>
    /// Says truthfully whether the instrument will send a half-received message again: only if we did not acknowledge
    /// its last frame (LIS01-A2 §6.5.1: a sender retransmits what was not ACKed). Issue 10 item 6 found messages
    /// quarantined as "expect a retransmission" although every frame had been ACKed and none ever came.
    /// </summary>
    private string IncompleteReason(string what) => _lastFrameAcknowledged
        ? $"{what}; every frame was acknowledged, so the analyzer will not send it again (are its records ended by CR?)"
        : $"{what}; its last frame was not acknowledged, so the analyzer keeps the message and sends it again";

    /// <summary>
    /// Called with the ENQ as <see cref="AstmLinkInput.Current"/>. Returns false when the connection ended.
    /// </summary>
    private async Task<bool> ReceiveTransmissionAsync(AstmLinkInput input, CancellationToken cancellationToken)
    {
        if (!await AnswerEnqAsync(input, cancellationToken).ConfigureAwait(false)) return true;

        while (true)
        {
            var ev = await input.NextAsync(cancellationToken).ConfigureAwait(false);
            if (ev == AstmInputEvent.Completed) return false;
            if (ev == AstmInputEvent.Woken)
            {
                input.TakeWake();
                if (!input.DeadlineFired) continue;
                // Receiver timer: no frame or EOT within 30 s of our reply (LIS01-A2 §6.5.2.2): discard, back to neutral.
                input.ClearDeadline();
                await ReportIncompleteAsync(IncompleteReason($"no frame or EOT within {_options.ReceiveTimeout.TotalSeconds:0} s"), cancellationToken).ConfigureAwait(false);
                EndTransmission();
                return true;
            }

            var token = input.Current;
            _transcript.Add(TranscriptDirection.FromInstrument, token.Raw);
            switch (token.Kind)
            {
                case AstmTokenKind.Noise:
                    // Characters between frames mean nothing and do not restart the timer (LIS01-A2 §6.3).
                    continue;

                case AstmTokenKind.Control when token.Control == AstmControl.Eot:
                    // Termination phase (LIS01-A2 §6.4). EOT with a message half-received: the sender gave up on it
                    // (six NAKs, its timeout, or our interrupt); it keeps the message and sends it again.
                    await ReportIncompleteAsync(IncompleteReason("EOT before the message's L record"), cancellationToken).ConfigureAwait(false);
                    input.ClearDeadline();
                    EndTransmission();
                    if (_holdOffUntilPeerSent)
                    {
                        // After honouring an interrupt we may bid again once the receiver has sent its message (LIS01-A2 §6.3.5).
                        _holdOffUntilPeerSent = false;
                        _notBefore = _time.GetUtcNow();
                    }
                    return true;

                case AstmTokenKind.Control when token.Control == AstmControl.Enq:
                    // A sender bids only from neutral: it ended its transmission without our seeing the EOT. Start over.
                    await ReportIncompleteAsync(IncompleteReason("ENQ in the middle of a transmission"), cancellationToken).ConfigureAwait(false);
                    _transcript.Clear();
                    if (!await AnswerEnqAsync(input, cancellationToken).ConfigureAwait(false)) return true;
                    continue;

                case AstmTokenKind.Control:
                    continue;

                case AstmTokenKind.Error:
                    // Bad checksum, frame number, line end, size, restricted character: NAK (LIS01-A2 §6.3.4.2).
                    if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Warning))
                    {
                        AstmLinkLog.FrameRejected(_logger, _options.InstrumentId, token.DescribeError());
                    }
                    _lastFrameAcknowledged = false;
                    await ReplyAsync(input, NakByte, cancellationToken).ConfigureAwait(false);
                    continue;

                case AstmTokenKind.Frame:
                    await ReceiveFrameAsync(input, token, cancellationToken).ConfigureAwait(false);
                    continue;
            }
        }
    }

    /// <summary>Establishment, receiving side (LIS01-A2 §6.2): ACK when ready, NAK when not. False when we said NAK.</summary>
    private async Task<bool> AnswerEnqAsync(AstmLinkInput input, CancellationToken cancellationToken)
    {
        _transcript.Clear();
        _transcript.Add(TranscriptDirection.FromInstrument, input.Current.Raw);
        _assembler.BeginTransmission();
        if (!_handler.IsReadyToReceive())
        {
            AstmLinkLog.NotReady(_logger, _options.InstrumentId);
            await WriteAsync(NakByte, record: false, cancellationToken).ConfigureAwait(false);
            _transcript.Clear();
            return false;
        }
        _phase = AstmLinkPhase.Receiving;
        await ReplyAsync(input, AckByte, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task ReceiveFrameAsync(AstmLinkInput input, AstmToken frame, CancellationToken cancellationToken)
    {
        var expected = _assembler.ExpectedFrameNumber;
        switch (_assembler.Offer(frame))
        {
            case AstmFrameVerdict.Duplicate:
                AstmLinkLog.DuplicateFrame(_logger, _options.InstrumentId, frame.FrameNumber);
                await ReplyAsync(input, AckByte, cancellationToken).ConfigureAwait(false);
                return;
            case AstmFrameVerdict.WrongFrameNumber:
                AstmLinkLog.WrongFrameNumber(_logger, _options.InstrumentId, frame.FrameNumber, expected, frame.Offset);
                _lastFrameAcknowledged = false;
                await ReplyAsync(input, NakByte, cancellationToken).ConfigureAwait(false);
                return;
        }

        var now = _time.GetUtcNow();
        if (_assembler.FrameCount == 1) _firstFrameAt = now;
        if (!frame.IsFinal || !_assembler.EndsWithTerminatorRecord())
        {
            _lastFrameAcknowledged = true;
            await ReplyAsync(input, PositiveReply(), cancellationToken).ConfigureAwait(false);
            return;
        }

        // The frame completes the message: commit first, acknowledge after (DESIGN.md guarantee 1).
        var message = new AstmReceivedMessage(_assembler.Text.ToArray(), _transcript.Snapshot(), _firstFrameAt, now);
        var frames = _assembler.FrameCount;
        AstmMessageOutcome outcome;
        try
        {
            outcome = await _handler.OnMessageAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            AstmLinkLog.HandlerFailed(_logger, _options.InstrumentId, e);
            outcome = AstmMessageOutcome.Refuse;
        }

        if (!outcome.Accepted)
        {
            AstmLinkLog.MessageRefused(_logger, _options.InstrumentId);
            _assembler.RetractLast();
            _lastFrameAcknowledged = false;
            await ReplyAsync(input, NakByte, cancellationToken).ConfigureAwait(false);
            return;
        }

        AstmLinkLog.MessageReceived(_logger, _options.InstrumentId, frames, message.Text.Length);
        if (outcome.Reply is { Count: > 0 } reply)
        {
            // Sent once the instrument releases the line with EOT (LIS01-A2 §6.4), ahead of anything else queued.
            var item = new OutboundMessage(AstmOutgoingMessage.Create(reply, _options.TextEncoding, _options.MaxFrameSize), urgent: false, isReply: true);
            lock (_gate) _outbound.AddFirst(item);
        }
        _assembler.EndMessage();
        await ReplyAsync(input, PositiveReply(), cancellationToken).ConfigureAwait(false);
        // The final ACK follows the commit, so it belongs to no message's transcript; the next message starts clean.
        _transcript.Clear();
    }

    /// <summary>ACK, or EOT in its place when we want the line (receiver interrupt, LIS01-A2 §6.3.5).</summary>
    private byte[] PositiveReply() => _interruptRequested ? EotByte : AckByte;

    /// <summary>Arms the 30 s receiver timer, then answers: the timer runs from our reply (LIS01-A2 §6.5.2.2).</summary>
    private async ValueTask ReplyAsync(AstmLinkInput input, byte[] reply, CancellationToken cancellationToken)
    {
        input.SetDeadline(_options.ReceiveTimeout);
        await WriteAsync(reply, record: true, cancellationToken).ConfigureAwait(false);
    }

    private void EndTransmission()
    {
        _assembler.BeginTransmission();
        _transcript.Clear();
        _interruptRequested = HasUrgentOutbound();
    }

    private bool HasUrgentOutbound()
    {
        lock (_gate) return _outbound.Any(m => m.Urgent);
    }

    /// <summary>Hands a half-received message to the handler for audit; it was never acknowledged as a whole.</summary>
    private async ValueTask ReportIncompleteAsync(string reason, CancellationToken cancellationToken)
    {
        if (!_assembler.HasPartialMessage)
        {
            return;
        }
        var frames = _assembler.FrameCount;
        var partial = new AstmReceivedMessage(_assembler.Text.ToArray(), _transcript.Snapshot(), _firstFrameAt, _time.GetUtcNow());
        _assembler.EndMessage();
        AstmLinkLog.IncompleteMessage(_logger, _options.InstrumentId, frames, reason);
        try
        {
            await _handler.OnIncompleteMessageAsync(partial, reason, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            AstmLinkLog.HandlerFailed(_logger, _options.InstrumentId, e);
        }
    }
}
