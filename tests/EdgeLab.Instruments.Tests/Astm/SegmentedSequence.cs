using System.Buffers;

namespace EdgeLab.Instruments.Tests.Astm;

/// <summary>Makes a multi-segment <see cref="ReadOnlySequence{T}"/> from pieces, as a pipe hands over bytes that arrived apart.</summary>
internal static class SegmentedSequence
{
    public static ReadOnlySequence<byte> Create(params ReadOnlyMemory<byte>[] pieces)
    {
        var nonEmpty = pieces.Where(p => !p.IsEmpty).ToArray();
        if (nonEmpty.Length == 0) return ReadOnlySequence<byte>.Empty;
        if (nonEmpty.Length == 1) return new ReadOnlySequence<byte>(nonEmpty[0]);
        var first = new Segment(nonEmpty[0], 0);
        var last = first;
        foreach (var piece in nonEmpty.Skip(1)) last = last.Append(piece);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
