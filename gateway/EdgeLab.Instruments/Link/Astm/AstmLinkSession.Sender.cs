namespace EdgeLab.Instruments.Link.Astm;

/// <summary>The sender: establishment, transfer and termination phases from the sending side (LIS01-A2 §6.2–§6.4).</summary>
public sealed partial class AstmLinkSession
{
    private byte[] _frameBuffer = new byte[256];

    /// <summary>Sends the first queued message. Returns false when the connection ended.</summary>
    private async Task<bool> SendTransmissionAsync(AstmLinkInput input, CancellationToken cancellationToken)
    {
        var item = TakeOutbound();
        if (item is null) return true;
        item.Bids++;
        var establishment = await EstablishAsync(input, item, cancellationToken).ConfigureAwait(false);
        if (establishment != Establishment.Granted)
        {
            if (establishment == Establishment.Closed) PutBackFirst(item);
            return establishment != Establishment.Closed;
        }
        return await TransferAsync(input, item, cancellationToken).ConfigureAwait(false);
    }

    private enum Establishment : byte { Granted, Refused, Closed }

    /// <summary>Establishment phase (LIS01-A2 §6.2): ENQ, then ACK (go on), NAK (busy), ENQ (contention) or silence.</summary>
    private async Task<Establishment> EstablishAsync(AstmLinkInput input, OutboundMessage item, CancellationToken cancellationToken)
    {
        _phase = AstmLinkPhase.Establishing;
        input.SetDeadline(_options.ReplyTimeout);
        await WriteAsync(EnqByte, record: false, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var ev = await input.NextAsync(cancellationToken).ConfigureAwait(false);
            if (ev == AstmInputEvent.Completed) return Establishment.Closed;
            if (ev == AstmInputEvent.Woken)
            {
                input.TakeWake();
                if (!input.DeadlineFired) continue;
                // No reply within 15 s (LIS01-A2 §6.5.2.1): termination phase, and bid again later.
                await WriteAsync(EotByte, record: false, cancellationToken).ConfigureAwait(false);
                BidFailed(item, "unanswered", _options.BusyRetryDelay);
                return Establishment.Refused;
            }
            var token = input.Current;
            if (token.Kind != AstmTokenKind.Control) continue; // anything else is ignored while we wait (LIS01-A2 §6.2.6)
            switch (token.Control)
            {
                case AstmControl.Ack:
                    return Establishment.Granted;
                case AstmControl.Nak:
                    // Receiver not ready: wait at least 10 s before the next ENQ (LIS01-A2 §6.2.4).
                    BidFailed(item, "answered with NAK", _options.BusyRetryDelay);
                    return Establishment.Refused;
                case AstmControl.Enq:
                    // Contention (LIS01-A2 §6.2.7): the instrument has priority. The computer yields, receives the
                    // instrument's next ENQ from neutral and waits at least 20 s before bidding again; the
                    // instrument ignores the computer's ENQ and bids again after at least 1 s.
                    var delay = _options.Role == LinkRole.Computer ? _options.ComputerContentionDelay : _options.InstrumentContentionDelay;
                    AstmLinkLog.Contention(_logger, _options.InstrumentId, _options.Role, delay);
                    _notBefore = _time.GetUtcNow() + delay;
                    input.ClearDeadline();
                    PutBackFirst(item);
                    return Establishment.Refused;
            }
        }
    }

    private void BidFailed(OutboundMessage item, string outcome, TimeSpan delay)
    {
        _notBefore = _time.GetUtcNow() + delay;
        item.FailedBids++;
        AstmLinkLog.BidFailed(_logger, _options.InstrumentId, outcome, item.Bids, delay);
        if (item.FailedBids >= _options.MaxEstablishmentAttempts) Finish(item, AstmSendStatus.ReceiverBusy);
        else PutBackFirst(item);
    }

    /// <summary>Transfer and termination phases (LIS01-A2 §6.3, §6.4). Returns false when the connection ended.</summary>
    private async Task<bool> TransferAsync(AstmLinkInput input, OutboundMessage item, CancellationToken cancellationToken)
    {
        var message = item.Message;
        var frameNumber = 1;
        for (var index = 0; index < message.FrameCount; index++)
        {
            var (text, isFinal) = message.Frame(index);
            var needed = AstmFrameBuilder.FrameLength(text.Length);
            if (_frameBuffer.Length < needed) _frameBuffer = new byte[needed];
            var length = AstmFrameBuilder.Write(_frameBuffer, frameNumber, text.Span, isFinal);

            for (var attempt = 1; ; attempt++)
            {
                _phase = AstmLinkPhase.Sending;
                input.SetDeadline(_options.ReplyTimeout);
                await WriteAsync(_frameBuffer, length, record: false, cancellationToken).ConfigureAwait(false);
                var reply = await AwaitReplyAsync(input, cancellationToken).ConfigureAwait(false);
                if (reply == Reply.Ack) break;
                if (reply == Reply.Closed)
                {
                    // The receiver discards what it got; the whole message goes again on the next connection.
                    PutBackFirst(item);
                    return false;
                }
                if (reply == Reply.Timeout)
                {
                    // No reply within 15 s (LIS01-A2 §6.5.2.1): abort the message with EOT.
                    await TerminateAsync(input, cancellationToken).ConfigureAwait(false);
                    Finish(item, AstmSendStatus.ReplyTimeout);
                    return true;
                }
                if (reply == Reply.Interrupt)
                {
                    // Receiver interrupt (LIS01-A2 §6.3.5): EOT counts as ACK for this frame. We honour it: release
                    // the line, and bid again no sooner than 15 s or once the receiver has sent its message.
                    AstmLinkLog.ReceiverInterrupt(_logger, _options.InstrumentId, frameNumber);
                    await TerminateAsync(input, cancellationToken).ConfigureAwait(false);
                    _notBefore = _time.GetUtcNow() + _options.InterruptHoldOff;
                    _holdOffUntilPeerSent = true;
                    if (index == message.FrameCount - 1) Finish(item, AstmSendStatus.Sent);
                    else PutBackFirst(item); // the receiver drops the partial message; it goes again from frame 1
                    return true;
                }
                // NAK, or any character but ACK and EOT, rejects the frame (LIS01-A2 §6.3.4.2): send it again, six
                // times at most, then abort the message.
                AstmLinkLog.FrameNotAcknowledged(_logger, _options.InstrumentId, frameNumber, attempt);
                if (attempt >= _options.MaxFrameAttempts)
                {
                    await TerminateAsync(input, cancellationToken).ConfigureAwait(false);
                    Finish(item, AstmSendStatus.TooManyRejections);
                    return true;
                }
            }
            frameNumber = AstmFrameBuilder.Next(frameNumber);
        }

        // Termination phase (LIS01-A2 §6.4): EOT, the line is neutral again.
        await TerminateAsync(input, cancellationToken).ConfigureAwait(false);
        AstmLinkLog.MessageSent(_logger, _options.InstrumentId, message.FrameCount);
        Finish(item, AstmSendStatus.Sent);
        return true;
    }

    private enum Reply : byte { Ack, Nak, Interrupt, Timeout, Closed }

    private static async Task<Reply> AwaitReplyAsync(AstmLinkInput input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var ev = await input.NextAsync(cancellationToken).ConfigureAwait(false);
            if (ev == AstmInputEvent.Completed) return Reply.Closed;
            if (ev == AstmInputEvent.Woken)
            {
                input.TakeWake();
                if (input.DeadlineFired) return Reply.Timeout;
                continue;
            }
            var token = input.Current;
            if (token.Kind == AstmTokenKind.Control && token.Control == AstmControl.Ack) return Reply.Ack;
            if (token.Kind == AstmTokenKind.Control && token.Control == AstmControl.Eot) return Reply.Interrupt;
            return Reply.Nak;
        }
    }

    private async ValueTask TerminateAsync(AstmLinkInput input, CancellationToken cancellationToken)
    {
        input.ClearDeadline();
        await WriteAsync(EotByte, record: false, cancellationToken).ConfigureAwait(false);
    }

    private void Finish(OutboundMessage item, AstmSendStatus status)
    {
        if (status != AstmSendStatus.Sent) AstmLinkLog.SendFailed(_logger, _options.InstrumentId, status);
        item.Completion.TrySetResult(new AstmSendResult(status, item.Bids));
        _interruptRequested = _interruptRequested && HasUrgentOutbound();
    }
}
