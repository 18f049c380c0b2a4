using System.Text;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Management;

namespace EdgeLab.Gateway.Tests.Management;

/// <summary>fetch-logs fits the uplink limit (issue 12 §5, the known gap): 10,000 long lines once made a reply over 1 MiB.</summary>
public sealed class LogTailTests
{
    [Fact]
    public void The_largest_fetch_logs_reply_fits_the_uplink_limit_and_keeps_the_newest_lines_in_order()
    {
        // 10,000 lines (the most fetch-logs asks for) of 300 Cyrillic characters: 6 bytes each once JSON-escaped.
        var lines = Enumerable.Range(0, 10_000).Select(i => $"{i:D5} " + new string('ж', 300)).ToList();
        var (kept, bytes, truncated) = LogTail.Cap(lines, LogTail.MaxMaxBytes);

        Assert.True(truncated);
        Assert.Equal(lines[^kept.Count..], kept);
        var reply = new CommandReplyMessage
        {
            GatewayId = "test-gw01",
            Name = CommandNames.FetchLogs,
            Ok = true,
            Text = string.Join('\n', kept),
            Data = new Dictionary<string, string> { ["lines"] = "9999", ["bytes"] = "524288", ["truncated"] = "true" }
        };
        var size = JsonSerializer.SerializeToUtf8Bytes(reply, WireJson.Default.CommandReplyMessage).Length;
        Assert.True(size < WireLimits.MaxUplinkPayloadBytes, $"{size} bytes");
        Assert.True(bytes <= LogTail.MaxMaxBytes);
        // Without a cap the same reply is far over the limit.
        Assert.True(Encoding.UTF8.GetByteCount(JsonEncodedText.Encode(string.Join('\n', lines)).ToString()) > WireLimits.MaxUplinkPayloadBytes);
    }

    [Fact]
    public void Short_logs_are_returned_whole()
    {
        var (kept, _, truncated) = LogTail.Cap(["a", "b", "c"], LogTail.DefaultMaxBytes);
        Assert.Equal(["a", "b", "c"], kept);
        Assert.False(truncated);
    }
}
