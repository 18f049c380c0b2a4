using System.Text;
using EdgeLab.Instruments.Dialect;
using static EdgeLab.Instruments.Tests.CaptureDecode.Samples;

namespace EdgeLab.Instruments.Tests.CaptureDecode;

/// <summary>
/// Issue 10, item 8: every ASTM profile honours the standard QC markers (O.12 action code Q, LIS02-A2 §9.4.12; H.12
/// processing id Q, §7.1.12), and no two different universal test ids of one order share a code.
/// </summary>
public sealed class QcAndCodeIdentityTests
{
    private static Lis2DecodeResult Records(string profile, params string[] records) =>
        Lis2DialectDecoder.Decode(Encoding.Latin1.GetBytes(string.Join('\r', records) + "\r"), Catalog.Get(profile), Zone);

    // The Pentra XLR sample's records (tests/samples/astm/horiba_pentra_xlr_framewrap_flags_comments.astm) with O.12 set.
    [Theory]
    [InlineData("Q", "qc")]
    [InlineData("", "patient")]
    public void Pentra_xlr_order_with_action_code_q_is_qc(string action, string kind)
    {
        var r = Records("horiba-pentra-xlr",
            @"H|\^&|||ABX|||||||P|E1394-97|20220727121551",
            "P|1||||Mohale^Rita||19771201|F",
            $"O|1|S1234^00^00||^^^DIF|||202205270000|202205260000|||{action}||||Standard||||||||||F",
            "R|1|^^^WBC^804-5^1|8.5|1||||W||NNE NNEMT||20220727121550",
            "L|1|N");

        Assert.Equal(kind, Assert.Single(r.Messages).Kind);
    }

    [Theory]
    [InlineData("horiba-pentra-xlr")]
    [InlineData("horiba-yumizen-h500")]
    [InlineData("cepheid-genexpert")]
    public void A_qc_processing_id_in_the_header_makes_the_message_qc(string profile)
    {
        var r = Records(profile,
            @"H|\^&|||ANALYZER|||||||Q|LIS2-A2|20250514121638",
            "P|1",
            "O|1|LOT-7||^^^WBC|R",
            "R|1|^^^WBC^804-5|6.1|10*9/L||N||F",
            "L|1|N");

        Assert.Equal("qc", Assert.Single(r.Messages).Kind);
    }

    // The GeneXpert sample's first order (cepheid_genexpert_alt_delimiters.astm, delimiters |@^\), records as sent.
    [Fact]
    public void Genexpert_order_with_action_code_q_is_qc_and_ct_endpoint_results_keep_their_own_codes_under_generic_lis2()
    {
        string[] records =
        [
            @"H|@^\|||GeneXpert^4.8|||||LIS||P|1394-97|20250514132103",
            "P|1",
            "O|1|PR25A137||^^^MTB-RIF|R|20250514121638|||||Q||||ORH||||||||||F",
            "R|1|^MTB-RIF^^Xpert^Xpert MTB-RIF Ultra^4^MTB^|NOT DETECTED^|||||F||John Doe|20250514121638|20250514132103",
            "R|2|^MTB-RIF^^Xpert^^^rpoB1^|INVALID^|||",
            "R|3|^MTB-RIF^^Xpert^^^rpoB1^Ct|^0.0|||",
            "R|4|^MTB-RIF^^Xpert^^^rpoB1^EndPt|^-2.0|||",
            "L|1|N",
        ];

        var expert = Assert.Single(Records("cepheid-genexpert", records).Messages);
        Assert.Equal("qc", expert.Kind);

        var generic = Assert.Single(Records("generic-lis2", records).Messages);
        Assert.Equal("qc", generic.Kind);
        var codes = generic.Results.Select(x => x.Code).ToArray();
        Assert.Equal(codes.Length, codes.Distinct().Count());
        Assert.Equal("Xpert", codes[0]); // component 4, as the profile says
        Assert.Equal("MTB-RIF/Xpert/rpoB1", codes[1]);
        Assert.Equal("MTB-RIF/Xpert/rpoB1/Ct", codes[2]);
        Assert.Equal("MTB-RIF/Xpert/rpoB1/EndPt", codes[3]);
    }

    [Fact]
    public void The_same_test_id_twice_in_one_order_keeps_one_code()
    {
        var m = Assert.Single(Records("generic-lis2",
            @"H|\^&|||X|||||||P|LIS2-A2|20250101120000",
            "P|1",
            "O|1|S-1||^^^GLU|R",
            "R|1|^^^GLU|5.1|mmol/L||N||F",
            "R|2|^^^GLU|5.2|mmol/L||N||F",
            "L|1|N").Messages);

        Assert.Equal(["GLU", "GLU"], m.Results.Select(x => x.Code));
    }
}
