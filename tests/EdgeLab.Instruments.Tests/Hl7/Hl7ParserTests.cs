using System.Text;
using EdgeLab.Instruments.Message.Hl7;

namespace EdgeLab.Instruments.Tests.Hl7;

/// <summary>Structure, escapes (HL7 v2.5 §2.7), repetitions, delimiters from MSH-1/MSH-2 and character sets (MSH-18).</summary>
public sealed class Hl7ParserTests
{
    private static Hl7Message Parse(byte[] bytes) => Hl7Message.Parse(bytes);

    [Fact]
    public void Fields_components_subcomponents_and_repetitions()
    {
        var m = Parse(Hl7TestData.Ascii(
            "MSH|^~\\&|LAB|FAC|||20260101120000||ORU^R01|42|P|2.5",
            "OBX|1|CWE|GLU^Glucose^L&local~ALT^Alt|sub|a~b~~c|"));
        Assert.Equal(2, m.SegmentCount);
        var msh = m.Header;
        Assert.Equal("|", msh.Field(1).ToString());
        Assert.Equal("^~\\&", msh.Field(2).ToString());
        Assert.Equal("LAB", msh.Field(3).ToString());
        Assert.Equal("R01", msh.Field(9).Component(2).ToString());
        Assert.Equal("42", msh.Field(10).ToString());
        var obx = m[1];
        Assert.Equal("OBX", obx.Id);
        Assert.Equal(2, obx.Field(3).RepetitionCount);
        Assert.Equal("GLU", obx.Field(3).Component(1).ToString());
        Assert.Equal("L", obx.Field(3).Component(3).Subcomponent(1).ToString());
        Assert.Equal("local", obx.Field(3).Component(3).Subcomponent(2).ToString());
        Assert.Equal("Alt", obx.Field(3).Repetition(1).Component(2).ToString());
        var reps = obx.Field(5);
        Assert.Equal(4, reps.RepetitionCount);
        Assert.Equal(new[] { "a", "b", "", "c" }, Enumerable.Range(0, 4).Select(i => reps.Repetition(i).ToString()));
        Assert.True(obx.Field(6).IsEmpty);
        Assert.True(obx.Field(60).IsEmpty);
        Assert.Equal("", obx.Field(3).Component(9).ToString());
        // Byte offsets point into the message: OBX starts after MSH + CR.
        Assert.Equal(m[1].Offset + 4, obx.Field(1).Offset);
    }

    [Fact]
    public void Escape_sequences_are_resolved_when_read()
    {
        var m = Parse(Hl7TestData.Ascii(
            "MSH|^~\\&|||||||ORU^R01|1|P|2.5",
            "NTE|1||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X41\\\\.br\\g\\H\\bold\\N\\|",
            "NTE|2||keep \\Zcustom\\ and \\unterminated"));
        Assert.Equal("a|b^c&d~e\\fA\ngbold", m[1].Field(3).ToString());
        Assert.Equal("keep \\Zcustom\\ and \\unterminated", m[2].Field(3).ToString());
        // Raw bytes stay as sent.
        Assert.StartsWith("a\\F\\b", m[1].Field(3).RawText);
    }

    [Fact]
    public void Delimiters_come_from_MSH_1_and_MSH_2()
    {
        var m = Parse(Hl7TestData.Ascii(
            "MSH#@*$%#LAB######ORU@R01#7#P#2.5",
            "OBX#1#ST#A@B%C#x*y#v$F$w$S$"));
        Assert.Equal(new Hl7Delimiters((byte)'#', (byte)'@', (byte)'*', (byte)'$', (byte)'%'), m.Delimiters);
        Assert.Equal("ORU", m.Header.Field(9).Component(1).ToString());
        Assert.Equal("C", m[1].Field(3).Component(2).Subcomponent(2).ToString());
        Assert.Equal("y", m[1].Field(4).Repetition(1).ToString());
        Assert.Equal("v#w@", m[1].Field(5).ToString());
    }

    [Fact]
    public void ISO_8859_5_Cyrillic_is_decoded()
    {
        // "Иван" in ISO 8859-5 by hand: И=0xB8 в=0xD2 а=0xD0 н=0xDD; "Ёж" Ё=0xA1 ж=0xD6; № = 0xF0.
        var head = Encoding.ASCII.GetBytes("MSH|^~\\&|||||||ORU^R01|1|P|2.5||||||8859/5\rPID|1||77||");
        byte[] name = [0xB8, 0xD2, 0xD0, 0xDD, (byte)'^', 0xA1, 0xD6, (byte)' ', 0xF0, (byte)'\r'];
        var m = Parse([.. head, .. name]);
        Assert.Equal("Иван", m[1].Field(5).Component(1).ToString());
        Assert.Equal("Ёж №", m[1].Field(5).Component(2).ToString());
    }

    [Fact]
    public void Escaped_hex_bytes_are_decoded_in_the_message_character_set()
    {
        // \XD0B8\ = UTF-8 for "и"
        var m = Parse(Hl7TestData.Ascii("MSH|^~\\&|||||||ORU^R01|1|P|2.5||||||UNICODE UTF-8", "NTE|1||\\XD0B8\\"));
        Assert.Equal("и", m[1].Field(3).ToString());
    }

    [Theory]
    [InlineData("", "ASCII")]
    [InlineData("UNICODE UTF-8", "UTF-8")]
    [InlineData("UNICODE", "UTF-8")]
    [InlineData("8859/1", "ISO-8859-1")]
    [InlineData("8859/5", "ISO-8859-5")]
    public void Character_set_names(string msh18, string expected)
    {
        var m = Hl7MessageDecoder.Parse(Hl7TestData.Ascii($"MSH|^~\\&|||||||ORU^R01|1|P|2.5||||||{msh18}"), Hl7DialectSettings.From(Hl7TestData.Mindray));
        // ASCII decodes as ISO 8859-1 so bytes above 0x7F stay visible instead of becoming '?'.
        Assert.Equal(expected == "ASCII" ? "iso-8859-1" : expected.ToLowerInvariant(), m.Encoding.WebName);
    }

    [Fact]
    public void UNICODE_follows_the_profile()
    {
        var settings = Hl7DialectSettings.From(Hl7TestData.Mindray with { Hl7UnicodeCharset = "8859/5" });
        var m = Hl7MessageDecoder.Parse(Hl7TestData.Ascii("MSH|^~\\&|||||||ORU^R01|1|P|2.5||||||UNICODE"), settings);
        Assert.Equal("iso-8859-5", m.Encoding.WebName);
    }

    [Fact]
    public void Errors_say_what_and_where()
    {
        var e = Assert.Throws<Hl7Exception>(() => Parse(Hl7TestData.Ascii("PID|1")));
        Assert.Equal(Hl7ErrorKind.MissingHeader, e.Error.Kind);

        e = Assert.Throws<Hl7Exception>(() => Parse(Hl7TestData.Ascii("MSH|^~|||")));
        Assert.Equal(Hl7ErrorKind.InvalidDelimiters, e.Error.Kind);
        Assert.Equal(4, e.Error.ByteOffset);

        e = Assert.Throws<Hl7Exception>(() => Parse(Hl7TestData.Ascii("MSH|^~\\&|||||||ORU^R01|1|P|2.5", "OBX|1", "ob x|2")));
        Assert.Equal(Hl7ErrorKind.InvalidSegmentId, e.Error.Kind);
        Assert.Equal(3, e.Error.SegmentIndex);
        Assert.Equal(37, e.Error.ByteOffset);
        Assert.Contains("segment 3", e.Message);

        e = Assert.Throws<Hl7Exception>(() => Parse(Hl7TestData.Ascii("MSH|^~\\&|||||||ORU^R01|1|P|2.5||||||UNICODE UTF-16")));
        Assert.Equal((Hl7ErrorKind.UnsupportedCharacterSet, 18), (e.Error.Kind, e.Error.Field));

        Assert.Equal(Hl7ErrorKind.Empty, Assert.Throws<Hl7Exception>(() => Parse("\r\n"u8.ToArray())).Error.Kind);
    }

    [Fact]
    public void Field_enumerator_walks_every_field()
    {
        var m = Parse(Hl7TestData.Ascii("MSH|^~\\&|||||||ORU^R01|1|P|2.5", "OBX|1|NM|A||5|"));
        var texts = new List<string>();
        foreach (var f in m[1].Fields) texts.Add(f.ToString());
        Assert.Equal(new[] { "1", "NM", "A", "", "5", "" }, texts);
        Assert.Equal(6, m[1].FieldCount);
    }
}
