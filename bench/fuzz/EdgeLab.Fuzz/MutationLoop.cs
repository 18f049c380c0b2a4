using System.Diagnostics;
using EdgeLab.Fuzz.Targets;

namespace EdgeLab.Fuzz;

/// <summary>
/// A small in-process fuzzing loop without afl-fuzz: random mutations (bit flips, interesting bytes, inserts, deletes,
/// splices) of the seeds and of inputs derived from them, no coverage feedback. For quick runs and as the fallback
/// where afl-fuzz cannot run. A crash is any exception escaping <see cref="IFuzzTarget.Run"/>; a hang is an input
/// that takes longer than the limit (measured, since an in-process call cannot be interrupted).
/// </summary>
internal sealed class MutationLoop(IFuzzTarget target, IReadOnlyList<byte[]> seeds, int seed)
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0A, 0x0D, 0x15, 0x17, 0x1C, 0x1E, 0x7F, 0x80, 0xFF,
        (byte)'|', (byte)'\\', (byte)'^', (byte)'&', (byte)'~', (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)':', (byte)',', (byte)'9'];

    private readonly Random _random = new(seed);

    public sealed record Outcome(long Inputs, long Crashes, long Hangs, TimeSpan Elapsed, IReadOnlyList<(byte[] Input, Exception Error)> FirstCrashes)
    {
        public double ExecsPerSecond => Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9);
    }

    public Outcome Run(long inputs, TimeSpan hangLimit, int maxLength = 4096)
    {
        var pool = seeds.Where(s => s.Length > 0).Select(s => s.Length > maxLength ? s[..maxLength] : s).ToList();
        if (pool.Count == 0) pool.Add([0]);
        var crashes = 0L;
        var hangs = 0L;
        var first = new List<(byte[], Exception)>();
        var total = Stopwatch.StartNew();
        var one = new Stopwatch();
        for (var i = 0L; i < inputs; i++)
        {
            var input = Mutate(pool[_random.Next(pool.Count)], pool, maxLength);
            one.Restart();
            try
            {
                target.Run(input);
            }
            catch (Exception e)
            {
                crashes++;
                if (first.Count < 5) first.Add((input, e));
            }
            if (one.Elapsed > hangLimit) hangs++;
            // Keep some mutants as parents, so changes accumulate (no coverage feedback, so at random).
            if (_random.Next(64) == 0) pool[_random.Next(pool.Count)] = input;
        }
        return new Outcome(inputs, crashes, hangs, total.Elapsed, first);
    }

    private byte[] Mutate(byte[] parent, List<byte[]> pool, int maxLength)
    {
        var data = new List<byte>(parent);
        var steps = 1 + _random.Next(4);
        for (var s = 0; s < steps; s++)
        {
            var at = data.Count == 0 ? 0 : _random.Next(data.Count);
            switch (_random.Next(7))
            {
                case 0 when data.Count > 0: data[at] ^= (byte)(1 << _random.Next(8)); break;
                case 1 when data.Count > 0: data[at] = Interesting[_random.Next(Interesting.Length)]; break;
                case 2 when data.Count > 0: data[at] = (byte)_random.Next(256); break;
                case 3: data.Insert(at, Interesting[_random.Next(Interesting.Length)]); break;
                case 4 when data.Count > 1: data.RemoveRange(at, Math.Min(1 + _random.Next(16), data.Count - at)); break;
                case 5 when data.Count > 0:
                    {
                        var length = Math.Min(1 + _random.Next(32), data.Count - at);
                        data.InsertRange(_random.Next(data.Count + 1), data.GetRange(at, length));
                        break;
                    }
                default:
                    {
                        var other = pool[_random.Next(pool.Count)];
                        if (other.Length == 0) break;
                        var from = _random.Next(other.Length);
                        var length = Math.Min(1 + _random.Next(64), other.Length - from);
                        data.InsertRange(at, other.AsSpan(from, length).ToArray());
                        break;
                    }
            }
        }
        return data.Count > maxLength ? data.GetRange(0, maxLength).ToArray() : data.ToArray();
    }
}
