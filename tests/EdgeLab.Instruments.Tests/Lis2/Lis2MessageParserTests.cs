using System.Buffers;
using System.Text;
using EdgeLab.Instruments.Message.Lis2;

namespace EdgeLab.Instruments.Tests.Lis2;

public class Lis2MessageParserTests
{
    private static RecordingHandler Parse(string text)
    {
        var handler = new RecordingHandler();
        Lis2MessageParser.Parse(Encoding.Latin1.GetBytes(text), ref handler);
        return handler;
    }

    [Fact]
    public void Reports_every_record_in_order_with_number_and_offset()
    {
        var h = Parse("H|\\^&\rP|1\rO|1|S1\rR|1|^^^GLU|5.1\rC|1|I|x\rM|1|X\rS|1\rQ|1|^S2\rL|1|N\r");

        Assert.Equal("HPORCMSQL", new string(h.Records.Select(r => r.Type).ToArray()));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9], h.Records.Select(r => r.Number));
        Assert.Equal([0L, 6, 10, 17], h.Records.Take(4).Select(r => r.Offset));
        Assert.Equal("R|1|^^^GLU|5.1", h.Records[3].Raw);
    }

    [Theory]
    [InlineData("|\\^&")]
    [InlineData("|`^&")]
    [InlineData("|@^\\")]
    [InlineData("!~*%")]
    public void Any_delimiter_set_declared_in_the_header_is_used(string set)
    {
        var (f, r, c, e) = (set[0], set[1], set[2], set[3]);
        var text = $"H{set}\rR{f}1{f}{c}{c}{c}K{f}4{e}S{e}2{f}{f}{f}H{r}A{r}{f}F\rL{f}1\r";

        var h = Parse(text);

        Assert.Equal([$"4{c}2"], h.ResultValues);
        Assert.Equal(["H", "A", ""], h.ResultFlagsRepeats);
    }

    [Theory]
    [InlineData("a&F&b", "a|b")]
    [InlineData("a&S&b", "a^b")]
    [InlineData("a&R&b", "a\\b")]
    [InlineData("a&E&b", "a&b")]
    [InlineData("&X41&&X4243&", "ABC")]
    [InlineData("x&X0D0A&y", "x\r\ny")]
    [InlineData("B&W", "B&W")]
    [InlineData("&Q&", "&Q&")]
    [InlineData("&X4&", "&X4&")]
    [InlineData("&XZZ&", "&XZZ&")]
    [InlineData("end&", "end&")]
    public void Escape_sequences_resolve_and_unknown_ones_stay_as_sent(string raw, string expected)
    {
        var h = Parse($"H|\\^&\rR|1|^^^X|{raw}\rL|1\r");
        Assert.Equal([expected], h.ResultValues);
    }

    [Fact]
    public void Escapes_use_the_records_own_escape_character()
    {
        // GeneXpert: escape is '\', so \S\ is a component delimiter and &S& is plain text.
        var h = Parse("H|@^\\\rR|1|^^^X|a\\S\\b&S&c\rL|1\r");
        Assert.Equal(["a^b&S&c"], h.ResultValues);
    }

    [Fact]
    public void Line_feed_and_crlf_separate_records_too()
    {
        var h = Parse("H|\\^&\nP|1\r\nL|1|N\n");
        Assert.Equal("HPL", new string(h.Records.Select(r => r.Type).ToArray()));
    }

    [Fact]
    public void Several_messages_each_with_their_own_delimiters()
    {
        var h = Parse("H|\\^&\rR|1|^^^A|1\\2\rL|1\rH|`^&\rR|1|^^^B|3\\4\rL|1\r");
        Assert.Equal(["1\\2", "3\\4"], h.ResultValues);
    }

    [Fact]
    public void Fields_components_and_repeats_by_number()
    {
        var bytes = "H|\\^&\rO|1|S1^A^B||^^^T1\\^^^T2\\^^^T3|R\rL|1\r"u8.ToArray();
        var length = bytes.AsSpan(6).IndexOf((byte)'\r');
        var order = new Lis2Record(bytes.AsSpan(6, length), Lis2Delimiters.Default, Encoding.Latin1, 2, 6);

        Assert.Equal("S1", order.Field(3).Component(1).GetString());
        Assert.Equal("B", order.Field(3).Component(3).GetString());
        Assert.True(order.Field(3).Component(9).IsEmpty);
        Assert.True(order.Field(4).IsEmpty);
        Assert.Equal(3, order.Field(5).RepeatCount);
        Assert.Equal("T2", order.Field(5).Repeat(1).Component(4).GetString());
        Assert.Equal("R", order.Field(6).GetString());
        Assert.True(order.Field(30).IsEmpty);
        Assert.Equal(1, order.SequenceNumber);
        Assert.Equal(6 + 4, order.Field(3).ByteOffset);
    }

    [Fact]
    public void Sequence_split_at_every_boundary_reports_the_same_records()
    {
        var text = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "samples", "astm", "erba_xl_backtick_repeat_comment_flagA.astm"));
        var records = Encoding.Latin1.GetBytes("H|`^&||||||||||P|E 1394-97|20200928132312\rP|1|||||||U||||||||0|0\rO|1|1044041||^^^DBILL|||||||||||SERUM\rR|1|^^^DBILL|0.3|mg/dl|^DEFAULT|A|N|F||||20200928132312\rC|1|I|Instrument Flag A\rL|1|N\r");
        Assert.NotEmpty(text);
        var whole = new RecordingHandler();
        Lis2MessageParser.Parse(records, ref whole);

        for (var split = 1; split < records.Length; split++)
        {
            var first = new Segment(records.AsMemory(0, split));
            var last = first.Append(records.AsMemory(split));
            var handler = new RecordingHandler();
            Lis2MessageParser.Parse(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), ref handler);
            Assert.Equal(whole.Records, handler.Records);
            Assert.Equal(whole.ResultValues, handler.ResultValues);
        }
    }

    [Theory]
    [InlineData("P|1\rL|1\r", 1, 'P', 0, 0, "does not start with an H record")]
    [InlineData("H|\\^&\rP|1\rX|1\rL|1\r", 3, 'X', 1, 10, "unknown record type 'X'")]
    [InlineData("H|\\^&\rP1\rL|1\r", 2, 'P', 1, 7, "followed by the field delimiter")]
    [InlineData("H|\\|&\rL|1\r", 1, 'H', 2, 3, "declared twice")]
    [InlineData("H|A^&\rL|1\r", 1, 'H', 2, 2, "not allowed")]
    [InlineData("H|\\^\r", 1, 'H', 2, 0, "too short")]
    [InlineData("H|\\^&\rP|1\r", 2, 'P', 0, 6, "without an L")]
    [InlineData("H|\\^&\rL|1\rR|1\r", 3, 'R', 0, 10, "after the L record")]
    [InlineData("H|\\^&\rH|\\^&\rL|1\r", 2, 'H', 0, 6, "previous message has no L")]
    public void Malformed_text_gives_a_typed_error_with_record_field_and_offset(string text, int record, char type, int field, long offset, string what)
    {
        var e = Assert.Throws<Lis2FormatException>(() => Parse(text));

        Assert.Equal(record, e.RecordNumber);
        Assert.Equal(type, e.RecordType);
        Assert.Equal(field, e.Field);
        Assert.Equal(offset, e.ByteOffset);
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_text_is_a_typed_error()
    {
        Assert.Throws<Lis2FormatException>(() => Parse(""));
        Assert.Throws<Lis2FormatException>(() => Parse("\r\n\r"));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
