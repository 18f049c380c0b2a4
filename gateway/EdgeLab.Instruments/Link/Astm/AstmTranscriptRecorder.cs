using System.Buffers;
using EdgeLab.Instruments.Outbound;

namespace EdgeLab.Instruments.Link.Astm;

/// <summary>
/// Keeps the bytes of the message being received, both directions, each run with the time it crossed the wire
/// (DESIGN.md guarantee 4). Bytes go into one growing buffer; a snapshot makes one array and slices it into chunks.
/// </summary>
internal sealed class AstmTranscriptRecorder(TimeProvider time)
{
    private readonly ArrayBufferWriter<byte> _bytes = new(1024);
    private readonly List<(DateTimeOffset At, TranscriptDirection Direction, int Start, int Length)> _chunks = [];

    public bool IsEmpty => _chunks.Count == 0;

    public void Add(TranscriptDirection direction, in ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        var start = _bytes.WrittenCount;
        foreach (var segment in bytes) _bytes.Write(segment.Span);
        Append(direction, start);
    }

    public void Add(TranscriptDirection direction, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        var start = _bytes.WrittenCount;
        _bytes.Write(bytes);
        Append(direction, start);
    }

    public Transcript Snapshot()
    {
        var all = _bytes.WrittenSpan.ToArray();
        var chunks = new TranscriptChunk[_chunks.Count];
        for (var i = 0; i < chunks.Length; i++)
        {
            var (at, direction, start, length) = _chunks[i];
            chunks[i] = new TranscriptChunk(at, direction, all.AsMemory(start, length));
        }
        return new Transcript(chunks);
    }

    public void Clear()
    {
        _bytes.ResetWrittenCount();
        _chunks.Clear();
    }

    private void Append(TranscriptDirection direction, int start)
    {
        var now = time.GetUtcNow();
        var length = _bytes.WrittenCount - start;
        // Bytes in the same direction at the same instant are one run, as the transport delivered them.
        if (_chunks.Count > 0 && _chunks[^1] is var last && last.Direction == direction && last.At == now && last.Start + last.Length == start)
        {
            _chunks[^1] = last with { Length = last.Length + length };
            return;
        }
        _chunks.Add((now, direction, start, length));
    }
}
