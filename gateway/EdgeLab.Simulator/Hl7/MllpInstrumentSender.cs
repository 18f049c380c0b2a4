using System.Text;
using EdgeLab.Simulator.Faults;
using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Hl7;

/// <summary>
/// The instrument's side of MLLP (HL7 v2.5.1 Implementation Guide, Appendix C, "Minimal Lower Layer Protocol"):
/// each message goes out as <c>&lt;VT&gt; message &lt;FS&gt;&lt;CR&gt;</c> and the sender waits for the receiver's
/// acknowledgement block, reading MSA-1 (AA/CA accept; AE/AR/CE/CR reject — HL7 v2.5 §2.9). Written independently of
/// the gateway's MLLP code (Link/Mllp) so that interop tests mean something.
/// </summary>
internal sealed class MllpInstrumentSender(Stream stream, ByteReceiver replies, TimeSpan ackTimeout, FaultPlan faults, SimulatorOutput output)
{
    private int _messages;

    public int Acked { get; private set; }
    public int Rejected { get; private set; }
    public int Failed { get; private set; }
    public int BytesSent { get; private set; }

    /// <summary>Sends one message and waits for its ACK. Returns MSA-1, or throws <see cref="SimulatorLinkException"/> on timeout/close.</summary>
    public async Task<string> SendAsync(string id, Hl7Message message, CancellationToken cancellationToken)
    {
        var n = ++_messages;
        var specimen = message.SpecimenId;
        if (faults.Take(FaultKind.Pause, n) is { } pause)
        {
            output.Progress($"fault {pause}: pausing {pause.Pause.TotalSeconds:0.#} s before message {n}");
            await Task.Delay(pause.Pause, output.Time, cancellationToken).ConfigureAwait(false);
        }
        var payload = message.ToWire();
        var block = MllpBlocks.Wrap(payload);
        replies.DiscardPending();
        var started = output.Time.GetTimestamp();
        output.Started(id, specimen);
        await stream.WriteAsync(block, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        BytesSent += block.Length;
        output.Trace($"MLLP block {block.Length} bytes, MSH-10 {message.ControlId}");

        string ack;
        try
        {
            ack = await ReadBlockAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SimulatorLinkException e)
        {
            Failed++;
            output.Failed(id, e.Failure.ToString().ToLowerInvariant(), specimen);
            throw;
        }
        var reply = Hl7Transcript.Parse(Encoding.Latin1.GetBytes(ack)).FirstOrDefault();
        var code = reply?.Field("MSA", 1) ?? "";
        var text = reply?.Field("MSA", 3);
        output.Progress($"{id}: MSA-1 {(code.Length > 0 ? code : "(missing)")}{(string.IsNullOrEmpty(text) ? "" : " " + text)}");
        if (code is "AA" or "CA")
        {
            Acked++;
            output.Acked(id, payload.Length, output.Time.GetElapsedTime(started), specimen);
        }
        else
        {
            Rejected++;
            output.Rejected(id, code.Length > 0 ? code : "no-MSA", specimen);
        }
        return code;
    }

    /// <summary>Reads one <c>&lt;VT&gt; … &lt;FS&gt;&lt;CR&gt;</c> block; the CR after FS is dropped by DiscardPending before the next message.</summary>
    private async Task<string> ReadBlockAsync(CancellationToken cancellationToken)
    {
        var block = await MllpBlocks.ReadAsync(replies, ackTimeout, output.Time, cancellationToken).ConfigureAwait(false)
            ?? throw new SimulatorLinkException(LinkFailure.Timeout,
                $"no HL7 ACK within {ackTimeout.TotalSeconds:0} s: is the gateway's MLLP listener running and configured for this instrument?");
        return Encoding.Latin1.GetString(block);
    }
}
