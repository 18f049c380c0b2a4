using System.Globalization;

namespace EdgeLab.Bench.EndToEnd;

/// <summary>Nearest-rank percentiles of a set of latencies in milliseconds.</summary>
internal sealed class Percentiles(IEnumerable<double> samples)
{
    private readonly double[] _sorted = [.. samples.Order()];

    public int Count => _sorted.Length;

    public double At(double fraction) =>
        _sorted.Length == 0 ? double.NaN : _sorted[Math.Clamp((int)Math.Ceiling(fraction * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"p50 {At(0.50):0.0} ms, p99 {At(0.99):0.0} ms, max {Max:0.0} ms (n={Count})");
}
