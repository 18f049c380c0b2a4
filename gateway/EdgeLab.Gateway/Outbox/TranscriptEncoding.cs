using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EdgeLab.Instruments.Outbound;

namespace EdgeLab.Gateway.Outbox;

/// <summary>
/// How a <see cref="Transcript"/> is stored: the bytes concatenated in arrival order (so the blob replays as-is) and a
/// compact chunk index <c>unixMs,direction,length;…</c> that restores where each chunk started and when it arrived.
/// </summary>
internal static class TranscriptEncoding
{
    public static string Chunks(Transcript transcript)
    {
        var sb = new StringBuilder(transcript.Chunks.Count * 20);
        foreach (var c in transcript.Chunks)
        {
            if (sb.Length > 0) sb.Append(';');
            sb.Append(CultureInfo.InvariantCulture, $"{c.At.ToUnixTimeMilliseconds()},{(int)c.Direction},{c.Bytes.Length}");
        }
        return sb.ToString();
    }

    /// <summary>Rebuilds the transcript from the stored blob and chunk index (audit, re-decoding).</summary>
    public static Transcript Restore(byte[] raw, string chunks)
    {
        var list = new List<TranscriptChunk>();
        var offset = 0;
        foreach (var part in chunks.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = part.Split(',');
            var at = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f[0], CultureInfo.InvariantCulture));
            var dir = (TranscriptDirection)byte.Parse(f[1], CultureInfo.InvariantCulture);
            var len = int.Parse(f[2], CultureInfo.InvariantCulture);
            list.Add(new TranscriptChunk(at, dir, raw.AsMemory(offset, len)));
            offset += len;
        }
        return new Transcript(list);
    }

    public static string Sha256Hex(byte[] raw) => Convert.ToHexStringLower(SHA256.HashData(raw));
}
