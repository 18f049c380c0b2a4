using EdgeLab.Hub.Referrals;
using FsCheck;
using FsCheck.Fluent;

namespace EdgeLab.Hub.Tests.Referrals;

public sealed class SpecimenBarcodeTests
{
    [Fact]
    public void Issued_barcodes_are_eleven_digits_and_verify()
    {
        Assert.Equal("00000000013", SpecimenBarcode.Issue(1)); // Damm check digit of 0000000001 is 3
        Assert.Equal(4, SpecimenBarcode.CheckDigit("572")); // the algorithm's published example
        Assert.True(SpecimenBarcode.IsValid(SpecimenBarcode.Issue(1234567890)));
        Assert.False(SpecimenBarcode.IsValid("00000000019"));
        Assert.False(SpecimenBarcode.IsValid("LAB-1"));
    }

    [Fact]
    public void Every_single_digit_substitution_is_detected() =>
        Prop.ForAll(Gen.Choose(1, int.MaxValue).ToArbitrary(), Gen.Choose(0, 10).ToArbitrary(), Gen.Choose(1, 9).ToArbitrary(), (seq, pos, delta) =>
        {
            var code = SpecimenBarcode.Issue(seq).ToCharArray();
            code[pos] = (char)('0' + (code[pos] - '0' + delta) % 10);
            return !SpecimenBarcode.IsValid(new string(code));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Every_adjacent_transposition_of_different_digits_is_detected() =>
        Prop.ForAll(Gen.Choose(1, int.MaxValue).ToArbitrary(), Gen.Choose(0, 9).ToArbitrary(), (seq, pos) =>
        {
            var code = SpecimenBarcode.Issue(seq).ToCharArray();
            if (code[pos] == code[pos + 1]) return true;
            (code[pos], code[pos + 1]) = (code[pos + 1], code[pos]);
            return !SpecimenBarcode.IsValid(new string(code));
        }).QuickCheckThrowOnFailure();
}
