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

    /// <summary>Two pieces as one sequence: what is still unconsumed, then what just arrived (as a pipe hands them over).</summary>
    public static ReadOnlySequence<byte> Join(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
    {
        if (first.IsEmpty) return new ReadOnlySequence<byte>(second);
        if (second.IsEmpty) return new ReadOnlySequence<byte>(first);
        var head = new SequenceSegments(first, 0);
        var tail = new SequenceSegments(second, first.Length);
        head.Next = tail;
        return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
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
