using System.Text.Json;
using EdgeLab.Instruments.Application.Astm;
using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Dialect.Decode;
using EdgeLab.Instruments.Link.Astm;
using EdgeLab.Instruments.Link.Mllp;
using EdgeLab.Instruments.Message.Lis2.Capture;
using EdgeLab.Instruments.Tests.HostQueryAnswers;
using EdgeLab.LocalServices;
using EdgeLab.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Instruments.Tests.OnePath;

/// <summary>
/// Issue 10: <c>decode</c> and <c>run</c> took different paths (two ASTM frame parsers; HL7 decoded inside the link),
/// and a message with results and Q records was printed by one and dropped by the other. Every capture of the
/// repository (tests/samples and tests/EdgeLab.Gateway.Tests/Captures) goes through both: the <c>decode</c> command's
/// body, and the live link (an ASTM link session or an MLLP session over an in-memory line, fed the capture as the
/// analyzer sends it) into a recording outbox. What decode prints must be exactly what run commits.
/// </summary>
public sealed class DecodeEqualsRunTests
{
    private const byte Enq = 0x05, Stx = 0x02, Etx = 0x03, Eot = 0x04, Cr = 0x0D, Lf = 0x0A, Vt = 0x0B, Fs = 0x1C;

    private static string Root => EdgeLabComponents.RepositoryRoot();

    private static string ProfilesDirectory => Path.Combine(Root, "firmware-config", "instruments");

    public static TheoryData<string> Captures()
    {
        var data = new TheoryData<string>();
        foreach (var dir in new[] { Path.Combine("tests", "samples"), Path.Combine("tests", "EdgeLab.Gateway.Tests", "Captures") })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, dir), "*.*", SearchOption.AllDirectories)
                         .Where(f => f.EndsWith(".astm", StringComparison.Ordinal) || f.EndsWith(".hl7", StringComparison.Ordinal))
                         .Order(StringComparer.Ordinal))
                data.Add(Path.GetRelativePath(Root, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public async Task What_decode_prints_is_what_run_commits(string capture)
    {
        var path = Path.Combine(Root, capture);
        var catalog = ProfileCatalog.Load(ProfilesDirectory);
        var profile = catalog.Get(ProfileFor(path, catalog.Names));

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = DecodeRunner.Run(new DecodeOptions(profile.Name, path, ProfilesDirectory, "UTC"), stdout, stderr);
        Assert.True(exit == DecodeExitCodes.Ok, $"decode {capture}: {stderr}");
        var printed = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var sink = new RecordingSink();
        var bytes = await File.ReadAllBytesAsync(path);
        if (profile.Protocol == "hl7")
            await RunHl7Async(bytes, profile, sink);
        else
            await RunAstmAsync(bytes, profile, sink);

        Assert.All(sink.Committed, m => Assert.Null(m.DecodeError));
        var committed = sink.Committed
            .Select(m => JsonSerializer.Serialize(DecodeJsonMessage.From(m.Decoded!), DecodeJsonContext.Default.DecodeJsonMessage))
            .ToArray();
        Assert.Equal(printed, committed);
    }

    /// <summary>The capture as an analyzer sends it: ENQ, its frames, EOT; a capture of records one per line is framed first.</summary>
    private static async Task RunAstmAsync(byte[] capture, InstrumentProfile profile, RecordingSink sink)
    {
        var wire = CaptureDecoder.IsWireCapture(capture) ? AsTransmission(capture) : Frame(capture);
        var processor = new AstmMessageProcessor("analyzer-1", profile, sink, new InMemoryOrderCache(), TimeZoneInfo.Utc,
            new FakeTimeProvider(), NullLogger<AstmMessageProcessor>.Instance);
        var session = new AstmLinkSession("analyzer-1", profile, processor, new FakeTimeProvider());
        var (gateway, analyzer) = InMemoryDuplexStream.CreatePair();
        var running = session.RunAsync(gateway, CancellationToken.None);
        await analyzer.WriteAsync(wire);
        analyzer.CompleteWriting();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task RunHl7Async(byte[] capture, InstrumentProfile profile, RecordingSink sink)
    {
        var time = new FakeTimeProvider();
        var session = new MllpSession("analyzer-1", profile, sink, new InMemoryOrderCache(), time, TimeZoneInfo.Utc);
        var (gateway, analyzer) = InMemoryDuplexStream.CreatePair();
        var running = session.RunAsync(gateway, CancellationToken.None);
        await using var client = new MllpClient(analyzer, time);
        foreach (var (_, message) in DecodeRunner.SplitHl7(capture))
            await client.SendAndReceiveAsync(message, TimeSpan.FromSeconds(30), CancellationToken.None);
        analyzer.CompleteWriting();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static byte[] AsTransmission(byte[] capture)
    {
        var start = capture[0] == Enq ? [] : new[] { Enq };
        var end = capture[^1] == Eot ? [] : new[] { Eot };
        return [.. start, .. capture, .. end];
    }

    /// <summary>Records one per line → one transmission per H…L message, one record per frame (as the simulator sends them).</summary>
    private static byte[] Frame(byte[] records)
    {
        var wire = new List<byte>();
        var number = 0;
        foreach (var line in Lines(records))
        {
            if (line[0] == (byte)'H')
            {
                if (number > 0) wire.Add(Eot);
                wire.Add(Enq);
                number = 0;
            }
            number = (number + 1) % 8;
            byte[] body = [(byte)('0' + number), .. line, Cr, Etx];
            var sum = 0;
            foreach (var b in body) sum += b;
            wire.AddRange([Stx, .. body, .. System.Text.Encoding.ASCII.GetBytes($"{sum & 0xFF:X2}"), Cr, Lf]);
        }
        wire.Add(Eot);
        return [.. wire];
    }

    private static IEnumerable<byte[]> Lines(byte[] text)
    {
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] is not (Cr or Lf)) continue;
            if (i > start) yield return text[start..i];
            start = i + 1;
        }
    }

    /// <summary>Captures are named after the model (<c>ortho_vitros3600_…</c> → <c>ortho-vitros</c>): the longest profile that prefixes the name.</summary>
    private static string ProfileFor(string capture, IEnumerable<string> profiles)
    {
        var name = Path.GetFileName(capture).Replace('_', '-');
        return profiles.Where(p => name.StartsWith(p, StringComparison.Ordinal)).MaxBy(p => p.Length)
            ?? throw new InvalidOperationException($"no profile for sample {capture}");
    }
}
