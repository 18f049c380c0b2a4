using System.Text;
using EdgeLab.Instruments.Detection;
using EdgeLab.Instruments.Tests.CaptureDecode;

namespace EdgeLab.Instruments.Tests.Detection;

/// <summary>Model identification from the H record sender (LIS02-A2 §7.1.5) or MSH-3/4, against the shipped profiles.</summary>
public sealed class ProfileMatcherTests
{
    private static readonly ProfileMatcher Matcher = new(Samples.Catalog.Profiles);

    public static TheoryData<string, string> AstmVectors() => new()
    {
        { "abbott_afinion2_hba1c.astm", "abbott-afinion2" },
        { "abbott_architect_astm_hcg_three_result_types.astm", "abbott-architect" },
        { "cepheid_genexpert_alt_delimiters.astm", "cepheid-genexpert" },
        { "erba_xl_backtick_repeat_comment_flagA.astm", "erba-xl" },
        { "hitachi_7600_chemistry_long_order_etb.astm", "hitachi-7600" },
        { "horiba_micros60_cbc_mixed_cells.astm", "horiba-micros60" },
        { "horiba_pentra60_cbc_loinc.astm", "horiba-pentra60" },
        { "horiba_pentra_xlr_framewrap_flags_comments.astm", "horiba-pentra-xlr" },
        { "horiba_yumizen_h500_etb_multiframe_capture.astm", "horiba-yumizen-h500" },
        { "mindray_ba88a_results.astm", "mindray-ba88a" },
        { "ortho_vitros3600_results_M_records_repeat_flags.astm", "ortho-vitros" },
        { "ortho_vitros3600_host_query_Q.astm", "ortho-vitros" },
        { "roche_cobas_c111_etb_per_record.astm", "roche-cobas-c111" },
        { "roche_cobas_c311_flags_comments.astm", "roche-cobas-c311" },
        { "siemens_dca_vantage_albumin_creatinine_ratio.astm", "siemens-dca-vantage" },
        { "stago_start4_coagulation.astm", "stago-start4" },
        { "sysmex_xn550_escape_R_flags.astm", "sysmex-xn" },
        { "sysmex_xp100_cbc_padded_values.astm", "sysmex-xp" },
    };

    public static TheoryData<string, string> Hl7Vectors() => new()
    {
        { "abbott_architect_hl7_oru_r01_qualitative.hl7", "abbott-architect-hl7" },
        { "mindray_bc2000_oru_r01_unescaped_units.hl7", "mindray-bc2000" },
        { "mindray_bc5380_hl7_oru_r01.hl7", "mindray-bc5380" },
        { "mindray_bs200_oru_r01.hl7", "mindray-bs200" },
        { "mindray_bs360e_oru_r01_qc_msh16.hl7", "mindray-bs360e" },
        { "pixcell_hemoscreen_oru_r01.hl7", "pixcell-hemoscreen" },
        { "sysmex_xn_hl7_oru_r01.hl7", "sysmex-xn-hl7" },
    };

    [Theory]
    [MemberData(nameof(AstmVectors))]
    public void Every_astm_vector_names_its_own_profile(string sample, string profile)
    {
        var sender = SenderIdentity.FromAstm(File.ReadAllBytes(Samples.AstmPath(sample)));

        var match = Matcher.Match(Assert.IsType<SenderIdentity>(sender), "instruments[0].profile");

        Assert.True(match.Matched, match.Suggestion);
        Assert.Equal(profile, match.Profile.Name);
        Assert.Null(match.Suggestion);
    }

    [Theory]
    [MemberData(nameof(Hl7Vectors))]
    public void Every_hl7_vector_names_its_own_profile(string sample, string profile)
    {
        var sender = SenderIdentity.FromHl7(File.ReadAllBytes(Samples.Hl7Path(sample)));

        var match = Matcher.Match(Assert.IsType<SenderIdentity>(sender), "instruments[0].profile");

        Assert.True(match.Matched, match.Suggestion);
        Assert.Equal(profile, match.Profile.Name);
    }

    [Fact]
    public void Every_model_profile_identifies_itself_and_only_the_generic_ones_do_not()
    {
        var silent = Samples.Catalog.Profiles.Where(p => p.Identify.Count == 0).Select(p => p.Name).Order().ToList();

        Assert.Equal(["generic-hl7", "generic-lis2"], silent);
    }

    [Fact]
    public void The_most_specific_pattern_wins_when_several_match()
    {
        // "ABX^PENTRA60^V2.0" is not the Pentra XLR (whose sample says only "ABX"): the exact pattern does not take it.
        var pentra60 = Astm("H|\\^&|||ABX^PENTRA60^V2.0|||||||P|LIS2-A2|20260115121500");
        Assert.Equal("horiba-pentra60", Matcher.Match(pentra60, "x").Profile.Name);
        // An Erba header that also names a known sender: the sender's profile (more literal characters) wins.
        var erbaDelimitersStagoSender = Astm("H|`^&|||STAGO^START4^V1.0|||||||P|LIS2-A2|20260115120000");
        Assert.Equal("stago-start4", Matcher.Match(erbaDelimitersStagoSender, "x").Profile.Name);
    }

    [Fact]
    public void An_unknown_sender_gets_the_generic_profile_and_a_suggestion_naming_the_closest_and_the_setting()
    {
        var astm = Matcher.Match(Astm("H|\\^&|||MINDRAY^BA-99^V3|||||||P|LIS2-A2|20260115124500"), "instruments[2].profile");
        var hl7 = Matcher.Match(Assert.IsType<SenderIdentity>(SenderIdentity.FromHl7("MSH|^~\\&|Mindray|BS-800|||20181031160659||ORU^R01|26|P|2.3.1\r"u8)), "instruments[3].profile");

        Assert.False(astm.Matched);
        Assert.Equal("generic-lis2", astm.Profile.Name);
        Assert.Equal("sender H.5 'MINDRAY^BA-99^V3' matched no profile; closest: mindray-ba88a; decoded with generic-lis2: set the profile explicitly in instruments[2].profile", astm.Suggestion);
        Assert.False(hl7.Matched);
        Assert.Equal("generic-hl7", hl7.Profile.Name);
        Assert.StartsWith("sender MSH-3/4 'Mindray'/'BS-800' matched no profile; closest: mindray-b", hl7.Suggestion);
        Assert.EndsWith("set the profile explicitly in instruments[3].profile", hl7.Suggestion);
    }

    [Theory]
    [InlineData("H.5 ABX", "is not FIELD=VALUE")]
    [InlineData("PID-3=x", "is not a sender field")]
    [InlineData("H.5=*", "a bare * would match every analyzer")]
    [InlineData("MSH-x=Mindray", "no valid field number")]
    public void A_malformed_identify_entry_is_a_profile_error_saying_what_is_wrong(string entry, string message)
    {
        var yaml = $"name: x\nprotocol: astm\nidentify: [\"{entry}\"]\n";
        var errors = new List<EdgeLab.Instruments.Dialect.ProfileError>();

        Assert.Null(EdgeLab.Instruments.Dialect.ProfileCatalog.TryParse(yaml, "x.yaml", errors));

        var e = Assert.Single(errors);
        Assert.Equal("identify[0]", e.Field);
        Assert.Contains(message, e.Message);
    }

    private static SenderIdentity Astm(string header) =>
        Assert.IsType<SenderIdentity>(SenderIdentity.FromAstm(Encoding.Latin1.GetBytes(header + "\r")));
}
