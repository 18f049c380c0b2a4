using EdgeLab.Instruments.Message.Hl7;

namespace EdgeLab.Instruments.Tests.Hl7;

/// <summary>bench/fuzz hl7 findings: timestamps outside DateTime's range threw out of the decoder instead of being refused.</summary>
public sealed class Hl7TimestampFuzzFindingsTests
{
    [Theory]
    [InlineData("00000101")]
    [InlineData("00000229120000")]
    [InlineData("00010101000000+1400")]
    [InlineData("99991231235959-1400")]
    public void A_timestamp_without_a_representable_instant_is_refused_not_thrown(string text)
    {
        Assert.False(Hl7Timestamp.TryParse(text, TimeZoneInfo.Utc, out _));
    }
}
