using System.Text;
using System.Text.Json;
using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Message.Hl7;
using EdgeLab.Instruments.Message.Lis2;
using EdgeLab.Instruments.Message.Lis2.Capture;

namespace EdgeLab.Instruments.Dialect.Decode;

/// <summary>
/// The body of the gateway's <c>decode</c> command, apart from argument parsing so it runs in-process in tests:
/// loads the profile, decodes the capture (ASTM through <see cref="CaptureDecoder"/>, HL7 through
/// <see cref="Hl7MessageDecoder"/>), prints one JSON object per message on <c>stdout</c>. Bad input gives a non-zero
/// exit code and a line on <c>stderr</c> saying what and where; nothing is thrown.
/// </summary>
internal static class DecodeRunner
{
    private const byte VT = 0x0B, FS = 0x1C, CR = 0x0D, LF = 0x0A;

    public static int Run(DecodeOptions options, TextWriter stdout, TextWriter stderr)
    {
        var directory = options.ProfilesDirectory ?? ProfileCatalog.FindDefaultDirectory();
        if (directory is null)
            return Usage(stderr, $"cannot find {ProfileCatalog.RelativeDirectory} near the executable or the current directory; pass --profiles-dir");
        InstrumentProfile profile;
        TimeZoneInfo zone;
        byte[] capture;
        try
        {
            var catalog = ProfileCatalog.Load(directory);
            if (!catalog.TryGet(options.Profile, out profile))
                return Usage(stderr, $"unknown profile '{options.Profile}' (known: {string.Join(", ", catalog.Names)})");
            zone = options.TimeZone is null ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
            capture = File.ReadAllBytes(options.File);
        }
        catch (ProfileCatalogException e)
        {
            return Usage(stderr, e.Message);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return Usage(stderr, $"unknown time zone '{options.TimeZone}'");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Usage(stderr, $"cannot read {options.File}: {e.Message}");
        }

        return profile.Protocol == "hl7"
            ? RunHl7(capture, profile, zone, options.File, stdout, stderr)
            : RunAstm(capture, profile, zone, options.File, stdout, stderr);
    }

    private static int RunAstm(byte[] capture, InstrumentProfile profile, TimeZoneInfo zone, string file, TextWriter stdout, TextWriter stderr)
    {
        CaptureDecodeResult result;
        try
        {
            result = new CaptureDecoder(profile, zone).Decode(capture);
        }
        catch (CaptureFormatException e)
        {
            stderr.WriteLine($"error: {file}: {e.Message}");
            return DecodeExitCodes.BadInput;
        }
        foreach (var warning in result.Warnings)
            stderr.WriteLine($"warning: {file}: {warning}");
        foreach (var query in result.Queries)
            stderr.WriteLine($"note: {file}: host query for {query.SpecimenIds.Count} specimen(s){(query.IsCancel ? " (cancel)" : "")} — answered by the gateway, not a result");
        Write(result.Messages, stdout);
        return DecodeExitCodes.Ok;
    }

    private static int RunHl7(byte[] capture, InstrumentProfile profile, TimeZoneInfo zone, string file, TextWriter stdout, TextWriter stderr)
    {
        var messages = new List<DecodedMessage>();
        var index = 0;
        foreach (var (offset, bytes) in SplitHl7(capture))
        {
            index++;
            // The ReadOnlyMemory overload: the span one copies to an array and calls back into itself (first-class span conversions).
            var decoded = Hl7MessageDecoder.Decode((ReadOnlyMemory<byte>)bytes, profile, zone);
            if (decoded.Message is null)
            {
                stderr.WriteLine($"error: {file}: HL7 message {index} at byte offset {offset}: {decoded.Error}");
                return DecodeExitCodes.BadInput;
            }
            messages.Add(decoded.Message);
        }
        if (index == 0)
        {
            stderr.WriteLine($"error: {file}: no HL7 message (no MSH segment) found");
            return DecodeExitCodes.BadInput;
        }
        Write(messages, stdout);
        return DecodeExitCodes.Ok;
    }

    /// <summary>HL7 captures: MLLP blocks (VT … FS CR), or plain segments one per line, messages starting at MSH.</summary>
    internal static List<(int Offset, byte[] Bytes)> SplitHl7(byte[] capture)
    {
        var messages = new List<(int, byte[])>();
        if (Array.IndexOf(capture, VT) >= 0)
        {
            var pos = 0;
            while ((pos = Array.IndexOf(capture, VT, pos)) >= 0)
            {
                var end = Array.IndexOf(capture, FS, pos + 1);
                if (end < 0)
                    end = capture.Length;
                messages.Add((pos + 1, capture.AsSpan(pos + 1, end - pos - 1).ToArray()));
                pos = end + 1;
            }
            return messages;
        }
        // Segments may be separated by LF (files edited by hand or by git); HL7 wants CR (v2.5 §2.5.1).
        var text = new List<byte>(capture.Length);
        var start = -1;
        var lineStart = 0;
        for (var i = 0; i <= capture.Length; i++)
        {
            if (i < capture.Length && capture[i] is not (CR or LF))
                continue;
            var line = capture.AsSpan(lineStart, i - lineStart);
            if (line.StartsWith("MSH"u8) && text.Count > 0)
            {
                messages.Add((start, text.ToArray()));
                text.Clear();
            }
            if (!line.IsEmpty)
            {
                if (text.Count == 0)
                    start = lineStart;
                text.AddRange(line);
                text.Add(CR);
            }
            lineStart = i + 1;
        }
        if (text.Count > 0)
            messages.Add((start, text.ToArray()));
        return messages;
    }

    private static void Write(IEnumerable<DecodedMessage> messages, TextWriter stdout)
    {
        foreach (var m in messages)
            stdout.WriteLine(JsonSerializer.Serialize(DecodeJsonMessage.From(m), DecodeJsonContext.Default.DecodeJsonMessage));
    }

    private static int Usage(TextWriter stderr, string message)
    {
        stderr.WriteLine($"error: {message}");
        return DecodeExitCodes.Usage;
    }

    /// <summary>For callers that hold the text already (tests, tools): decodes LIS02-A2 records without a file.</summary>
    internal static IReadOnlyList<DecodedMessage> DecodeRecords(string records, InstrumentProfile profile, TimeZoneInfo zone) =>
        Lis2DialectDecoder.Decode(Encoding.Latin1.GetBytes(records), profile, zone).Messages;
}
