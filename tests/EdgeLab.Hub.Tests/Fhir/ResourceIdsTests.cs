using EdgeLab.Hub.Fhir;

namespace EdgeLab.Hub.Tests.Fhir;

public sealed class ResourceIdsTests
{
    private const string Referral = "01a2014ced4d712d8cb79cf8578a126e";

    [Theory]
    [InlineData("HGB", Referral + ".HGB")]
    [InlineData("MTB-DNA", Referral + ".MTB-DNA")]
    [InlineData("NEUT%", Referral + ".NEUT.25")]
    [InlineData("LYMPH#", Referral + ".LYMPH.23")]
    [InlineData("A.B", Referral + ".A.2EB")]
    public void Every_catalog_code_makes_a_valid_service_request_id_that_reads_back(string code, string expected)
    {
        var id = ResourceIds.ServiceRequest(Referral, code);
        Assert.Equal(expected, id);
        Assert.True(ResourceIds.IsValid(id));
        Assert.True(ResourceIds.TryParseServiceRequest(id!, out var referral, out var parsed));
        Assert.Equal((Referral, code), (referral, parsed));
    }

    [Theory]
    [InlineData(Referral + ".NEUT.2")]
    [InlineData(Referral + ".NEUT.ZZ")]
    [InlineData(Referral + ".")]
    [InlineData(Referral)]
    public void A_malformed_service_request_id_is_refused(string id) =>
        Assert.False(ResourceIds.TryParseServiceRequest(id, out _, out _));

    [Fact]
    public void A_code_that_cannot_be_written_gives_no_id() =>
        Assert.Null(ResourceIds.ServiceRequest(Referral, "ГЕМ"));
}
