using EdgeLab.Hub.Referrals;

namespace EdgeLab.Hub.Tests.Referrals;

public sealed class SnilsTests
{
    [Theory]
    [InlineData("112-233-445 95", true)] // the Pension Fund's published example
    [InlineData("11223344595", true)]
    [InlineData("112-233-445 96", false)]
    [InlineData("112-233-44595x", false)]
    [InlineData("001-001-998 00", false)] // at or below 001-001-998: no check rule, not issued to people
    [InlineData("", false)]
    public void Checksum_follows_the_official_rule(string text, bool valid) =>
        Assert.Equal(valid, Snils.IsValid(Snils.Normalize(text)));

    [Theory]
    [InlineData("000000001", 1)]     // sum < 100 → the sum
    [InlineData("000000111", 6)]
    [InlineData("100000001", 10)]
    [InlineData("900000010", 83)]    // 81 + 2
    [InlineData("999999999", 1)]     // 9 × 45 = 405 > 101 → 405 mod 101 = 1
    public void Check_number_cases(string nine, int expected) => Assert.Equal(expected, Snils.CheckNumber(nine));

    [Fact]
    public void Sums_of_100_and_101_give_00()
    {
        // 9*9 + 8*2 + 3*1 = 100; 9*9 + 8*2 + 4*1 = 101
        Assert.Equal(0, Snils.CheckNumber("920000003"));
        Assert.Equal(0, Snils.CheckNumber("920000004"));
    }
}
