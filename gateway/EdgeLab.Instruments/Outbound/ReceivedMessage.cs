using EdgeLab.Instruments.Message;

namespace EdgeLab.Instruments.Outbound;

/// <summary>
/// A complete message as the link layer received it, handed to <see cref="IInstrumentMessageSink"/> before the
/// final acknowledgement goes back to the analyzer. Either <see cref="Decoded"/> or <see cref="DecodeError"/> is set:
/// what cannot be decoded is still committed (quarantined) with its raw bytes, never dropped (DESIGN.md guarantee 5).
/// </summary>
public sealed record ReceivedMessage
{
    public required string InstrumentId { get; init; }
    public required string Profile { get; init; }
    /// <summary><c>astm</c> or <c>hl7</c>.</summary>
    public required string Protocol { get; init; }
    /// <summary>The bytes exactly as received, with arrival times (DESIGN.md guarantee 4).</summary>
    public required Transcript Transcript { get; init; }
    public DecodedMessage? Decoded { get; init; }
    /// <summary>What was wrong and where (record number, field, byte offset), when the message could not be decoded.</summary>
    public string? DecodeError { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    /// <summary>
    /// Which outbox entry of one analyzer message this is: an ASTM message with several orders (O records) becomes one
    /// entry per order, parts 0, 1, …; everything else is part 0. The outbox uses it to recognise a repeat of the whole
    /// message, every part of it, not only of its last part.
    /// </summary>
    public int Part { get; init; }
}

/// <summary>Raw bytes of one message as they crossed the wire, in arrival order, each chunk with its timestamp.</summary>
public sealed record Transcript(IReadOnlyList<TranscriptChunk> Chunks)
{
    public int Length => Chunks.Sum(c => c.Bytes.Length);

    public byte[] ToArray()
    {
        var all = new byte[Length];
        var at = 0;
        foreach (var c in Chunks)
        {
            c.Bytes.Span.CopyTo(all.AsSpan(at));
            at += c.Bytes.Length;
        }
        return all;
    }
}

/// <summary>A run of bytes that arrived together; <see cref="Direction"/> tells the analyzer's bytes from ours.</summary>
public sealed record TranscriptChunk(DateTimeOffset At, TranscriptDirection Direction, ReadOnlyMemory<byte> Bytes);

public enum TranscriptDirection : byte
{
    FromInstrument = 0,
    ToInstrument = 1,
}
