using System.Text;
using EdgeLab.Instruments.Link.Astm;

namespace EdgeLab.Instruments.Tests.Astm;

public class AstmChecksumTests
{
    [Fact]
    public void Sums_frame_number_through_etx_modulo_256()
    {
        // From the VITROS capture: STX "3L|1|N" CR ETX "06" CR LF.
        var body = Encoding.ASCII.GetBytes("3L|1|N\r\u0003");
        Assert.Equal(0x06, AstmChecksum.Compute(body));
    }

    [Fact]
    public void Vector_and_scalar_sums_agree_on_long_input()
    {
        var bytes = new byte[10_007];
        new Random(7).NextBytes(bytes);
        var expected = (byte)bytes.Sum(b => b);
        Assert.Equal(expected, AstmChecksum.Compute(bytes));
    }

    [Theory]
    [InlineData("3F", 0x3F)]
    [InlineData("3f", 0x3F)]
    [InlineData("a0", 0xA0)]
    [InlineData("00", 0x00)]
    public void Parses_upper_and_lower_case_hex(string digits, int expected)
    {
        Assert.True(AstmChecksum.TryParse((byte)digits[0], (byte)digits[1], out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("G0")]
    [InlineData("0 ")]
    [InlineData("\r\n")]
    public void Refuses_non_hex_digits(string digits) =>
        Assert.False(AstmChecksum.TryParse((byte)digits[0], (byte)digits[1], out _));

    [Fact]
    public void Formats_upper_case()
    {
        Span<byte> two = stackalloc byte[2];
        AstmChecksum.Format(0xAB, two);
        Assert.Equal("AB", Encoding.ASCII.GetString(two));
    }
}
