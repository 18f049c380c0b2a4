using System.Text;
using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Astm;

/// <summary>
/// The instrument as receiver: when the host takes the line (a host-query answer, or its turn after a receiver
/// interrupt) it ACKs the ENQ, checks every frame's number and checksum, ACKs or NAKs, and collects the records
/// until EOT (LIS01-A2 §6.2–6.4). Kept small: the simulator only needs to take what the host says and print it.
/// </summary>
internal sealed class AstmHostReceiver(Stream stream, ByteReceiver replies, TimeProvider time, SimulatorOutput output)
{
    /// <summary>
    /// Waits up to <paramref name="enqTimeout"/> for the host's ENQ, then receives its transmission. Returns the
    /// messages' records (CR-separated texts), or null when the host did not take the line.
    /// </summary>
    public async Task<List<string>?> ReceiveAsync(TimeSpan enqTimeout, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        while (true)
        {
            var remaining = enqTimeout - time.GetElapsedTime(start);
            if (remaining <= TimeSpan.Zero) return null;
            var b = await replies.ReadByteAsync(remaining, cancellationToken).ConfigureAwait(false);
            if (b is null) return null;
            if (b == AstmControl.Enq) break;
        }
        output.Trace("host <ENQ> → <ACK>");
        await WriteAsync(AstmControl.Ack, cancellationToken).ConfigureAwait(false);
        return await ReceiveFramesAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<string>> ReceiveFramesAsync(CancellationToken cancellationToken)
    {
        var records = new List<string>();
        var text = new List<byte>();
        var expected = 1;
        while (true)
        {
            var b = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (b == AstmControl.Eot)
            {
                output.Trace("host <EOT>");
                if (text.Count > 0) output.Progress("host ended with an incomplete record; discarded (LIS01-A2 §6.4)");
                return records;
            }
            if (b != AstmControl.Stx) continue; // LIS01-A2 §6.3: anything else between frames is ignored.
            var frame = new List<byte> { await ReadAsync(cancellationToken).ConfigureAwait(false) };
            byte end;
            while (true)
            {
                var c = await ReadAsync(cancellationToken).ConfigureAwait(false);
                frame.Add(c);
                if (c is AstmControl.Etx or AstmControl.Etb)
                {
                    end = c;
                    break;
                }
            }
            var c1 = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var c2 = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var cr = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var lf = cr == AstmControl.Cr ? await ReadAsync(cancellationToken).ConfigureAwait(false) : cr;
            byte sum = 0;
            foreach (var x in frame) sum += x;
            var number = frame[0] - '0';
            var checksumOk = $"{sum:X2}" == $"{(char)c1}{(char)c2}";
            if (number == (expected + 7) % 8 && checksumOk)
            {
                // LIS01-A2 §6.3.2: a repeat of the frame just accepted (our ACK was lost) is ACKed and dropped.
                await WriteAsync(AstmControl.Ack, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (!checksumOk || number != expected || lf != AstmControl.Lf)
            {
                output.Trace($"host frame {number} bad (checksum {(checksumOk ? "ok" : "wrong")}, expected frame {expected}) → <NAK>");
                await WriteAsync(AstmControl.Nak, cancellationToken).ConfigureAwait(false);
                continue;
            }
            text.AddRange(frame.Skip(1).Take(frame.Count - 2));
            expected = (expected + 1) % 8;
            if (end == AstmControl.Etx)
            {
                foreach (var record in Encoding.Latin1.GetString([.. text]).Split('\r', StringSplitOptions.RemoveEmptyEntries))
                    records.Add(record);
                text.Clear();
            }
            output.Trace($"host frame {number} → <ACK>");
            await WriteAsync(AstmControl.Ack, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>LIS01-A2 §6.5.2.2: the receiver waits 30 s for each next byte, then gives the message up.</summary>
    private async Task<byte> ReadAsync(CancellationToken cancellationToken) =>
        await replies.ReadByteAsync(AstmControl.FrameTimeout, cancellationToken).ConfigureAwait(false)
        ?? throw new SimulatorLinkException(LinkFailure.Timeout,
            "the host stopped sending in the middle of its message for 30 s (LIS01-A2 §6.5.2.2): check the gateway's log");

    private async Task WriteAsync(byte b, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(new[] { b }, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
