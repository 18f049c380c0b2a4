using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Message.Lis2;

namespace EdgeLab.Instruments.Tests.Lis2;

public class Lis2ValueTests
{
    [Theory]
    [InlineData("33.86", 33.86, null)]
    [InlineData("<15", 15, "<")]
    [InlineData(">=2", 2, ">=")]
    [InlineData("<=0.5", 0.5, "<=")]
    [InlineData(">1000", 1000, ">")]
    [InlineData("-2.0", -2.0, null)]
    [InlineData(" 8.1 ", 8.1, null)]
    [InlineData("<> 3", 3, "<>")]
    [InlineData("=7", 7, "=")]
    public void Numbers_and_comparators(string value, double number, string? comparator)
    {
        var (numeric, comp) = ResultNumber.Parse(value);
        Assert.Equal((decimal)number, numeric);
        Assert.Equal(comparator, comp);
    }

    [Theory]
    [InlineData("-----")]
    [InlineData("No Result")]
    [InlineData("NOT DETECTED")]
    [InlineData("<")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("1.0000+002+1.0")]
    [InlineData("1e5")]
    [InlineData("1,5")]
    public void Text_values_have_no_number(string? value) => Assert.Equal((null, null), ResultNumber.Parse(value));

    [Theory]
    [InlineData("20200407151558", 2020, 4, 7, 15, 15, 58)]
    [InlineData("202004071515", 2020, 4, 7, 15, 15, 0)]
    [InlineData("20200407", 2020, 4, 7, 0, 0, 0)]
    public void Times_read_in_the_given_zone(string raw, int y, int mo, int d, int h, int mi, int s)
    {
        var tomsk = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tomsk"); // UTC+7
        Assert.True(Lis2DateTime.TryParse(System.Text.Encoding.ASCII.GetBytes(raw), tomsk, out var at));
        Assert.Equal(new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.FromHours(7)), at);
    }

    [Theory]
    [InlineData("2020040715155")]
    [InlineData("20201301000000")]
    [InlineData("20200230000000")]
    [InlineData("20200101250000")]
    [InlineData("2020x407151558")]
    public void Bad_times_are_rejected(string raw) =>
        Assert.False(Lis2DateTime.TryParse(System.Text.Encoding.ASCII.GetBytes(raw), TimeZoneInfo.Utc, out _));
}
