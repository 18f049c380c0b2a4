using System.Buffers;

namespace EdgeLab.Mqtt.Tests.Codec;

/// <summary>Builds a <see cref="ReadOnlySequence{T}"/> split at given offsets, as bytes arrive from a socket.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Split(byte[] bytes, params int[] cuts)
    {
        var bounds = cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order().Append(bytes.Length).ToArray();
        var first = new Segments(bytes.AsMemory(0, bounds[0]), 0);
        var last = first;
        var start = bounds[0];
        foreach (var end in bounds.Skip(1))
        {
            var next = new Segments(bytes.AsMemory(start, end - start), start);
            last.Next = next;
            last = next;
            start = end;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
