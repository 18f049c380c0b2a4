using System.Buffers;

namespace EdgeLab.Fuzz.Targets;

/// <summary>Builds a multi-segment <see cref="ReadOnlySequence{T}"/> (as a pipe hands over bytes that came in pieces).</summary>
internal sealed class SequenceSegments : ReadOnlySequenceSegment<byte>
{
    private SequenceSegments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary><paramref name="data"/> cut into segments of <paramref name="segmentSize"/> bytes (the last may be shorter).</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> data, int segmentSize)
    {
        if (data.Length <= segmentSize) return new ReadOnlySequence<byte>(data);
        var first = new SequenceSegments(data[..segmentSize], 0);
        var last = first;
        for (var at = segmentSize; at < data.Length; at += segmentSize)
        {
            var next = new SequenceSegments(data.Slice(at, Math.Min(segmentSize, data.Length - at)), at);
            last.Next = next;
            last = next;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
