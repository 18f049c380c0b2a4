using System.Buffers;
using EdgeLab.Instruments.Link.Astm;
using EdgeLab.Instruments.Message.Lis2.Capture;

namespace EdgeLab.Fuzz.Targets;

/// <summary>
/// The ASTM E1381 / LIS01-A2 frame readers: the live link's <see cref="AstmFrameReader"/> (fed all at once and again in
/// pieces, as a serial port delivers them; the frames and errors it finds must not depend on where the pieces were
/// cut), the link's capture decoder over it, and the capture tool's <see cref="AstmFrameScanner"/>.
/// </summary>
internal sealed class AstmFrameTarget : IFuzzTarget
{
    private const int SmallFrame = 40; // small enough that seeds hold over-long frames (the skip path)

    public string Name => "astm-frames";

    public string Description =>
        "ASTM frame reader (Link/Astm AstmFrameReader, AstmCaptureDecoder; Message/Lis2/Capture/AstmFrameScanner); " +
        "bad input: AstmProtocolException, CaptureFormatException";

    public IEnumerable<(string Name, byte[] Bytes)> Seeds(RepositoryFiles files) => files.Files(files.Samples("astm"), "*.astm");

    public void Run(ReadOnlySpan<byte> input)
    {
        var data = input.ToArray();
        foreach (var maxFrame in (ReadOnlySpan<int>)[AstmControl.Lis01A2MaxFrameSize, SmallFrame])
        {
            foreach (var tolerate in (ReadOnlySpan<bool>)[false, true])
            {
                var whole = ReadTokens(data, maxFrame, tolerate, data.Length);
                var pieces = ReadTokens(data, maxFrame, tolerate, 1 + data.Length % 13);
                // A CR at the end of what has arrived is a complete frame end only once the next byte shows it is
                // not followed by LF; with bare line ends tolerated it is taken at once, so only strict reading is
                // independent of the cuts.
                if (!tolerate && !whole.SequenceEqual(pieces))
                    throw new FuzzInvariantException($"frames differ when the bytes arrive in pieces (max frame {maxFrame})");
                try { AstmCaptureDecoder.Decode(data, maxFrame, tolerate); }
                catch (AstmProtocolException) { }
            }
        }

        var text = new byte[data.Length];
        foreach (var tolerate in (ReadOnlySpan<bool>)[false, true])
        {
            try
            {
                var written = AstmFrameScanner.Join(data, text, tolerate, [], out _);
                if (written > data.Length) throw new FuzzInvariantException("joined text longer than the capture");
            }
            catch (CaptureFormatException) { }
        }
    }

    /// <summary>
    /// Feeds <paramref name="data"/> to one reader <paramref name="piece"/> bytes at a time, handing back the unconsumed
    /// rest as a pipe would, and lists the frames, control characters and errors (noise is cut where the pieces are).
    /// </summary>
    private static List<string> ReadTokens(byte[] data, int maxFrame, bool tolerate, int piece)
    {
        var reader = new AstmFrameReader(maxFrame, tolerate);
        var found = new List<string>();
        var arrived = 0;
        while (arrived < data.Length)
        {
            arrived = Math.Min(data.Length, arrived + Math.Max(piece, 1));
            var consumed = (int)reader.Position;
            var buffer = SequenceSegments.Split(data.AsMemory(consumed, arrived - consumed), Math.Max(piece, 1));
            while (true)
            {
                var before = reader.Position;
                var length = buffer.Length;
                if (!reader.TryRead(ref buffer, out var token)) break;
                if (reader.Position <= before || buffer.Length >= length)
                    throw new FuzzInvariantException($"reader returned a token without consuming input at byte {before}");
                if (token.Kind != AstmTokenKind.Noise)
                {
                    found.Add($"{token.Kind} @{token.Offset} fn={token.FrameNumber} final={token.IsFinal} " +
                              $"err={token.Error}@{token.ErrorOffset} body={Convert.ToHexString(token.Body.ToArray())}");
                }
            }
            if (reader.Position > arrived) throw new FuzzInvariantException("reader consumed more bytes than arrived");
        }
        return found;
    }
}
