using System.Text;
using EdgeLab.Hub.Web.Queues;

namespace EdgeLab.Hub.Tests.Web;

public sealed class ReadableTranscriptTests
{
    [Fact]
    public void Control_characters_are_named_and_records_end_lines()
    {
        var astm = Encoding.UTF8.GetBytes("\u00021H|\\^&|||cobas\r\u0003A7\r\n\u0004");

        var lines = ReadableTranscript.Lines(astm);

        Assert.Equal(["<STX>1H|\\^&|||cobas<CR>", "<ETX>A7<CR><LF>", "<EOT>"], lines);
    }

    [Fact]
    public void Cyrillic_stays_text_and_bytes_that_are_not_utf8_are_shown_in_hex()
    {
        var bytes = Encoding.UTF8.GetBytes("PID|||Иванова").Concat(new byte[] { 0xFF, 0xC3, 0x7F, 0x0B }).ToArray();

        var line = Assert.Single(ReadableTranscript.Lines(bytes));

        Assert.Equal("PID|||Иванова<xFF><xC3><DEL><VT>", line);
    }

    [Fact]
    public void An_empty_payload_is_one_empty_line() => Assert.Equal([""], ReadableTranscript.Lines([]));
}
