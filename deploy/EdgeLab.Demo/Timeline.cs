using System.Diagnostics;

namespace EdgeLab.Demo;

/// <summary>Prints demo steps as they happen, each stamped with the time since the demo started.</summary>
internal sealed class Timeline(TextWriter output)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Step(string what)
    {
        lock (_gate) output.WriteLine($"[{_clock.Elapsed.TotalSeconds,7:0.000}s] {what}");
    }

    public void Detail(string what)
    {
        lock (_gate) output.WriteLine($"           {what}");
    }
}
