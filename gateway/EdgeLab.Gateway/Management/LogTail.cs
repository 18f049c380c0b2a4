using System.Text.Json;
using EdgeLab.Contract;

namespace EdgeLab.Gateway.Management;

/// <summary>
/// The newest log lines that fit a byte budget, for <c>fetch-logs</c> (issue 12 §5). Without it 10,000 long lines made a
/// reply over the 1 MiB uplink limit (<see cref="WireLimits.MaxUplinkPayloadBytes"/>) that the broker or the hub
/// dropped, so the person asking got a timeout instead of logs. Lines are measured as JSON-escaped UTF-8 (the reply's
/// encoding; Cyrillic or control characters escape to six bytes each), newest kept, order preserved.
/// </summary>
internal static class LogTail
{
    public const int DefaultMaxBytes = 256 * 1024;

    /// <summary>Half the uplink limit: room for the reply's envelope and the MQTT packet around it.</summary>
    public const int MaxMaxBytes = WireLimits.MaxUplinkPayloadBytes / 2;

    public const int MinMaxBytes = 1024;

    public static (IReadOnlyList<string> Lines, int Bytes, bool Truncated) Cap(IReadOnlyList<string> lines, int maxBytes)
    {
        var kept = new List<string>();
        var size = 0;
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            var n = JsonEncodedText.Encode(lines[i]).EncodedUtf8Bytes.Length + 2; // + the escaped '\n' between lines
            if (size + n > maxBytes) break;
            size += n;
            kept.Add(lines[i]);
        }
        kept.Reverse();
        return (kept, size, kept.Count < lines.Count);
    }
}
