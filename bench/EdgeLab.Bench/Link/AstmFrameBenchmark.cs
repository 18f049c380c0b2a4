using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using EdgeLab.Instruments.Link.Astm;

namespace EdgeLab.Bench.Link;

/// <summary>
/// ASTM link-layer throughput on one core, on the sample corpus (tests/samples/astm, every capture wrapped as an
/// ENQ … EOT transmission with CR LF frame ends, repeated to ~8 MB): wire bytes → frames with every checksum verified
/// (ETB frames included), and → LIS02-A2 message text (frames checked in order and joined). Beside it, the serial
/// line's own limit (9600 baud, 8N1 ≈ 960 bytes/s).
/// </summary>
public static class AstmFrameBenchmark
{
    private const double SerialBytesPerSecond = 960;

    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var (wire, files) = Wire(targetBytes: 8 * 1024 * 1024, out var messagesPerPass, out var framesPerPass);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ASTM link (single thread): {files} captures in the corpus, {wire.Length / 1e6:0.0} MB of wire bytes per pass, {framesPerPass} frames, {messagesPerPass} messages"));
        if (files == 0)
        {
            output.WriteLine("  tests/samples/astm NOT FOUND: run from the repository");
            return;
        }

        var frames = Measure(wire, ParseFrames);
        Report(output, "wire → frames, checksums verified", wire.Length, framesPerPass, "frames", frames);
        var messages = Measure(wire, AssembleMessages);
        Report(output, "wire → message text (frames joined)", wire.Length, messagesPerPass, "messages", messages);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  serial line at 9600 baud: {SerialBytesPerSecond / 1e6:0.000000} MB/s ({frames.BytesPerSecond / SerialBytesPerSecond:0}x headroom on one core)"));
    }

    private static long ParseFrames(byte[] wire)
    {
        var reader = new AstmFrameReader(AstmControl.Lis01A2MaxFrameSize, tolerateBareLineEnds: false);
        var buffer = new ReadOnlySequence<byte>(wire);
        long count = 0;
        while (reader.TryRead(ref buffer, out var token))
        {
            if (token.Kind == AstmTokenKind.Frame) count++;
            else if (token.Kind == AstmTokenKind.Error) throw token.ToException();
        }
        return count;
    }

    private static long AssembleMessages(byte[] wire)
    {
        long count = 0;
        AstmCaptureDecoder.Decode(new ReadOnlySequence<byte>(wire), AstmControl.Lis01A2MaxFrameSize, false,
            (text, _, _, complete) => count += complete ? 1 : 0);
        return count;
    }

    private sealed record Timing(double BytesPerSecond, double WallBytesPerSecond, long Checksum);

    /// <summary>
    /// Best of five rounds, each of whole passes for at least 300 ms (CPU time is counted in coarse ticks), by CPU time
    /// (the machine may be shared) and by wall time.
    /// </summary>
    private static Timing Measure(byte[] wire, Func<byte[], long> pass)
    {
        pass(wire);
        pass(wire);
        var bestCpu = 0.0;
        var bestWall = 0.0;
        long checksum = 0;
        var process = Process.GetCurrentProcess();
        for (var round = 0; round < 5; round++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var passes = 0;
            do
            {
                checksum += pass(wire);
                passes++;
            }
            while (sw.Elapsed.TotalMilliseconds < 300);
            var wall = sw.Elapsed.TotalSeconds;
            process.Refresh();
            var cpu = Math.Max((process.TotalProcessorTime - cpu0).TotalSeconds, 1e-6);
            bestCpu = Math.Max(bestCpu, (double)wire.Length * passes / cpu);
            bestWall = Math.Max(bestWall, (double)wire.Length * passes / wall);
        }
        return new Timing(bestCpu, bestWall, checksum);
    }

    private static void Report(TextWriter output, string what, int bytes, long itemsPerPass, string items, Timing t) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: {t.BytesPerSecond / 1e6:0.0} MB/s per core (CPU time), {t.WallBytesPerSecond / 1e6:0.0} MB/s wall, {itemsPerPass * t.BytesPerSecond / bytes:0} {items}/s"));

    /// <summary>The corpus as one stream of transmissions, repeated up to <paramref name="targetBytes"/>.</summary>
    private static (byte[] Wire, int Files) Wire(int targetBytes, out long messagesPerPass, out long framesPerPass)
    {
        var transmissions = new List<byte[]>();
        foreach (var path in SamplePaths())
        {
            var capture = File.ReadAllBytes(path);
            // senaite captures lost CR or LF at frame ends; re-frame their messages so every frame is strict CR LF.
            foreach (var message in AstmCaptureDecoder.Decode(capture, AstmControl.Lis01A2MaxFrameSize, tolerateBareLineEnds: true))
            {
                transmissions.Add(Reframe(message.Text.Span));
            }
        }
        var unit = transmissions.SelectMany(t => t).ToArray();
        var repeats = unit.Length == 0 ? 0 : Math.Max(1, targetBytes / unit.Length);
        var wire = new byte[unit.Length * repeats];
        for (var i = 0; i < repeats; i++) unit.CopyTo(wire, i * unit.Length);
        messagesPerPass = (long)transmissions.Count * repeats;
        framesPerPass = ParseFrames(wire);
        return (wire, transmissions.Count);
    }

    /// <summary>ENQ, the message's records in 247-byte frames (E1381-95, the common case), EOT.</summary>
    private static byte[] Reframe(ReadOnlySpan<byte> text)
    {
        var records = System.Text.Encoding.Latin1.GetString(text).TrimEnd('\r').Split('\r');
        var message = AstmOutgoingMessage.Create(records, System.Text.Encoding.Latin1, AstmControl.E1381MaxFrameSize);
        var bytes = new List<byte> { AstmControl.Enq };
        var fn = 1;
        var frame = new byte[AstmControl.E1381MaxFrameSize];
        for (var i = 0; i < message.FrameCount; i++)
        {
            var (part, isFinal) = message.Frame(i);
            var length = AstmFrameBuilder.Write(frame, fn, part.Span, isFinal);
            bytes.AddRange(frame.AsSpan(0, length));
            fn = AstmFrameBuilder.Next(fn);
        }
        bytes.Add(AstmControl.Eot);
        return [.. bytes];
    }

    private static IEnumerable<string> SamplePaths()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var folder = Path.Combine(d.FullName, "tests", "samples", "astm");
                if (Directory.Exists(folder)) return Directory.EnumerateFiles(folder, "*.astm").Order().ToArray();
            }
        }
        return [];
    }
}
