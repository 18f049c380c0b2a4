using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Hl7;

/// <summary>
/// MLLP framing (HL7 v2.5.1 Implementation Guide, Appendix C "Minimal Lower Layer Protocol"): a message travels as
/// <c>&lt;VT&gt; payload &lt;FS&gt;&lt;CR&gt;</c>.
/// </summary>
internal static class MllpBlocks
{
    public const byte StartBlock = 0x0B;
    public const byte EndBlock = 0x1C;
    public const byte CarriageReturn = 0x0D;

    public static byte[] Wrap(ReadOnlySpan<byte> payload)
    {
        var block = new byte[payload.Length + 3];
        block[0] = StartBlock;
        payload.CopyTo(block.AsSpan(1));
        block[^2] = EndBlock;
        block[^1] = CarriageReturn;
        return block;
    }

    /// <summary>
    /// The payload of the next block, or null when <paramref name="timeout"/> passes first. Bytes before VT are
    /// skipped; the CR after FS is left unread (the next read skips it as bytes before VT). Throws
    /// <see cref="SimulatorLinkException"/> when the peer closes the connection.
    /// </summary>
    public static async Task<byte[]?> ReadAsync(ByteReceiver replies, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        var body = new List<byte>();
        var inBlock = false;
        while (true)
        {
            var remaining = timeout - time.GetElapsedTime(start);
            var b = remaining > TimeSpan.Zero ? await replies.ReadByteAsync(remaining, cancellationToken).ConfigureAwait(false) : null;
            if (b is null) return null;
            if (!inBlock)
            {
                inBlock = b == StartBlock;
                continue;
            }
            if (b == EndBlock) return [.. body];
            body.Add(b.Value);
        }
    }
}
