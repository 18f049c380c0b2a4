using EdgeLab.Simulator.Faults;
using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Astm;

/// <summary>
/// The instrument's sending side of CLSI LIS01-A2 (ASTM E1381), written for the simulator independently of the
/// gateway's receiver so that interop tests compare two readings of the standard. One call to
/// <see cref="SendAsync"/> is one or more transmissions: establishment (ENQ), transfer (numbered frames with real
/// checksums, each waiting for its ACK), termination (EOT). Every timer runs on the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class AstmInstrumentSender
{
    private readonly Stream _stream;
    private readonly ByteReceiver _replies;
    private readonly AstmSenderOptions _options;
    private readonly FaultPlan _faults;
    private readonly SimulatorOutput _output;
    private readonly TimeProvider _time;
    private int _frameNumber = 1;
    private int _transmissions;

    public AstmInstrumentSender(Stream stream, ByteReceiver replies, AstmSenderOptions options, FaultPlan faults, SimulatorOutput output)
    {
        _stream = stream;
        _replies = replies;
        _options = options;
        _faults = faults;
        _output = output;
        _time = output.Time;
    }

    public AstmSendStatistics Statistics { get; } = new();

    private enum Outcome
    {
        Acked,
        AckedThenInterrupted,
        Interrupted,
        Aborted,
        AbortedWithEot,
    }

    /// <summary>
    /// Sends the messages in order. Each ends as an ACKED or FAILED line; a failure to establish the link at all
    /// throws <see cref="SimulatorLinkException"/> after the remaining messages are reported FAILED.
    /// </summary>
    public async Task SendAsync(IReadOnlyList<OutgoingAstmMessage> messages, CancellationToken cancellationToken)
    {
        var queue = new Queue<OutgoingAstmMessage>(messages);
        var attempts = new Dictionary<OutgoingAstmMessage, int>();
        var started = new Dictionary<OutgoingAstmMessage, long>();
        while (queue.Count > 0)
        {
            try
            {
                await EstablishAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SimulatorLinkException e)
            {
                foreach (var m in queue)
                {
                    Statistics.MessagesFailed++;
                    _output.Failed(m.Id, e.Failure.ToString().ToLowerInvariant(), m.Message.SpecimenId);
                }
                throw;
            }
            var lineHeld = true;
            while (lineHeld && queue.Count > 0)
            {
                var item = queue.Peek();
                if (started.TryAdd(item, _time.GetTimestamp())) _output.Started(item.Id, item.Message.SpecimenId);
                var (outcome, reason) = await SendMessageAsync(item, cancellationToken).ConfigureAwait(false);
                switch (outcome)
                {
                    case Outcome.Acked:
                    case Outcome.AckedThenInterrupted:
                        queue.Dequeue();
                        Statistics.MessagesAcked++;
                        _output.Acked(item.Id, item.Message.TextBytes, _time.GetElapsedTime(started[item]), item.Message.SpecimenId);
                        if (outcome == Outcome.AckedThenInterrupted)
                        {
                            await HonourInterruptAsync(cancellationToken).ConfigureAwait(false);
                            lineHeld = false;
                        }
                        break;
                    case Outcome.Interrupted:
                        // The receiver discards the incomplete message; it goes again from its H record after the host's turn.
                        await HonourInterruptAsync(cancellationToken).ConfigureAwait(false);
                        lineHeld = false;
                        break;
                    default:
                        Statistics.Aborts++;
                        if (outcome == Outcome.Aborted) await WriteAsync([AstmControl.Eot], cancellationToken).ConfigureAwait(false);
                        var tries = attempts[item] = attempts.GetValueOrDefault(item) + 1;
                        _output.Progress($"{item.Id}: aborted ({reason}); attempt {tries} of {_options.MaxMessageAttempts}");
                        if (tries >= _options.MaxMessageAttempts)
                        {
                            queue.Dequeue();
                            Statistics.MessagesFailed++;
                            _output.Failed(item.Id, outcome == Outcome.AbortedWithEot ? "eot-mid-message" : reason!.Split(':')[0], item.Message.SpecimenId);
                        }
                        lineHeld = false;
                        break;
                }
            }
            if (lineHeld)
            {
                // LIS01-A2 §6.4: termination phase, the link returns to neutral.
                _output.Trace("<EOT>");
                await WriteAsync([AstmControl.Eot], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>LIS01-A2 §6.2: ENQ until ACK; NAK → wait 10 s; ENQ from the host (contention) → the instrument waits 1 s and tries again.</summary>
    private async Task EstablishAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= _options.MaxEstablishAttempts; attempt++)
        {
            _replies.DiscardPending();
            _output.Trace("<ENQ>");
            await WriteAsync([AstmControl.Enq], cancellationToken).ConfigureAwait(false);
            var start = _time.GetTimestamp();
            while (true)
            {
                var remaining = _options.ReplyTimeout - _time.GetElapsedTime(start);
                var reply = remaining > TimeSpan.Zero ? await _replies.ReadByteAsync(remaining, cancellationToken).ConfigureAwait(false) : null;
                if (reply is null)
                {
                    await WriteAsync([AstmControl.Eot], cancellationToken).ConfigureAwait(false);
                    throw new SimulatorLinkException(LinkFailure.Timeout,
                        $"no reply to ENQ within {_options.ReplyTimeout.TotalSeconds:0} s (LIS01-A2 §6.5.2.1): is the gateway running and reading this serial line / port?");
                }
                if (reply == AstmControl.Ack)
                {
                    _output.Trace("<ACK>");
                    _frameNumber = 1; // LIS01-A2 §6.3.2: the first frame of a transfer is numbered 1.
                    return;
                }
                if (reply == AstmControl.Nak)
                {
                    Statistics.EnqNaks++;
                    _output.Progress($"receiver answered NAK to ENQ (busy); waiting {_options.NakOnEnqWait.TotalSeconds:0} s (LIS01-A2 §6.2.5)");
                    await Task.Delay(_options.NakOnEnqWait, _time, cancellationToken).ConfigureAwait(false);
                    break;
                }
                if (reply == AstmControl.Enq)
                {
                    Statistics.Contentions++;
                    _output.Progress("contention: both sides sent ENQ; the instrument has priority and re-sends after 1 s (LIS01-A2 §6.2.6)");
                    await Task.Delay(_options.ContentionWait, _time, cancellationToken).ConfigureAwait(false);
                    break;
                }
                // Anything else while establishing is ignored (LIS01-A2 §6.2.4).
            }
        }
        throw new SimulatorLinkException(LinkFailure.Refused,
            $"the receiver refused {_options.MaxEstablishAttempts} ENQs: it is busy or rejects this instrument; check the gateway's log and its outbox limit");
    }

    private async Task<(Outcome, string?)> SendMessageAsync(OutgoingAstmMessage item, CancellationToken cancellationToken)
    {
        var frames = AstmFrame.Split(item.Message.Records, _options.FrameSize, _frameNumber);
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            for (var sent = 1; ; sent++)
            {
                var n = ++_transmissions;
                if (_faults.Take(FaultKind.Pause, n) is { } pause)
                {
                    _output.Progress($"fault {pause}: pausing {pause.Pause.TotalSeconds:0.#} s before frame {frame.Number}");
                    await Task.Delay(pause.Pause, _time, cancellationToken).ConfigureAwait(false);
                }
                if (_faults.Take(FaultKind.EotMidMessage, n) is { } eot)
                {
                    _output.Progress($"fault {eot}: sending EOT in place of frame {frame.Number}");
                    await WriteAsync([AstmControl.Eot], cancellationToken).ConfigureAwait(false);
                    return (Outcome.AbortedWithEot, "eot-mid-message fault");
                }
                var corrupt = _faults.Take(FaultKind.BadChecksum, n) is not null;
                if (corrupt) _output.Progress($"fault bad-checksum@{n}: frame {frame.Number} goes out with a wrong checksum");
                if (_faults.Take(FaultKind.DropFrame, n) is { } drop)
                {
                    _output.Progress($"fault {drop}: frame {frame.Number} is lost on the wire");
                }
                else
                {
                    var wire = frame.ToWire(corrupt);
                    Statistics.FramesSent++;
                    Statistics.BytesSent += wire.Length;
                    _output.Trace($"frame {frame.Number}{(frame.IsLast ? "" : " (ETB)")} {frame.Text.Length} bytes");
                    await WriteAsync(wire, cancellationToken).ConfigureAwait(false);
                }
                var reply = await _replies.ReadByteAsync(_options.ReplyTimeout, cancellationToken).ConfigureAwait(false);
                if (reply is null)
                    return (Outcome.Aborted, $"timeout: no reply to frame {frame.Number} within {_options.ReplyTimeout.TotalSeconds:0} s (LIS01-A2 §6.5.2.1)");
                if (reply == AstmControl.Ack)
                {
                    _output.Trace("<ACK>");
                    break;
                }
                if (reply == AstmControl.Eot)
                {
                    // LIS01-A2 §6.3.5: EOT in place of ACK acknowledges the frame and asks the sender to stop.
                    Statistics.Interrupts++;
                    _frameNumber = (frame.Number + 1) % 8;
                    _output.Progress($"receiver interrupt (EOT after frame {frame.Number}): giving the host the line");
                    return (i == frames.Count - 1 ? Outcome.AckedThenInterrupted : Outcome.Interrupted, null);
                }
                // LIS01-A2 §6.3.4: any other reply is a NAK; the same frame (same number) goes again.
                Statistics.Naks++;
                _output.Trace($"{AstmControl.Name(reply.Value)} (NAK) for frame {frame.Number}, transmission {sent}");
                if (sent >= AstmControl.MaxFrameTransmissions)
                    return (Outcome.Aborted, $"refused: frame {frame.Number} NAKed {sent} times (LIS01-A2 §6.5.1.2)");
            }
            _frameNumber = (frame.Number + 1) % 8;
        }
        return (Outcome.Acked, null);
    }

    /// <summary>
    /// LIS01-A2 §6.3.5: having honoured a receiver interrupt the sender terminates (EOT) and stays off the line for
    /// 15 s or until the other side has sent its message and returned the link to neutral.
    /// </summary>
    private async Task HonourInterruptAsync(CancellationToken cancellationToken)
    {
        await WriteAsync([AstmControl.Eot], cancellationToken).ConfigureAwait(false);
        var receiver = new AstmHostReceiver(_stream, _replies, _time, _output);
        var records = await receiver.ReceiveAsync(_options.InterruptYield, cancellationToken).ConfigureAwait(false);
        if (records is not null)
        {
            Statistics.HostMessages.Add(records);
            _output.Progress($"host sent {records.Count} records while it had the line");
        }
    }

    private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
