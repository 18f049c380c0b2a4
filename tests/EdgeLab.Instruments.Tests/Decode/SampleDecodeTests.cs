using static EdgeLab.Instruments.Tests.CaptureDecode.Samples;

namespace EdgeLab.Instruments.Tests.CaptureDecode;

/// <summary>
/// Every ASTM sample in tests/samples/astm decoded with its profile; the expected values were read by hand from the
/// files (record text quoted above each group of assertions).
/// </summary>
public class SampleDecodeTests
{
    [Fact]
    public void Sysmex_xn550_specimen_patient_flags_and_escaped_repeat_values()
    {
        var m = Single("sysmex_xn550_escape_R_flags.astm", "sysmex-xn");

        // O|1||^^                    27^M|…  → sample number padded in O.4 component 3
        Assert.Equal("27", m.SpecimenId);
        // P|1|||37182|^Jim^Brown|…
        Assert.Equal("37182", m.PatientId);
        Assert.Equal("patient", m.Kind);
        Assert.Equal(41, m.Results.Count);
        // C|1||POST HD after the P record; the empty C records after O and R41 carry nothing
        Assert.Equal(["POST HD"], m.Comments);

        // R|1|^^^^WBC^1|8.13|10*3/uL||N||F||||20240627135407
        var wbc = m.Results[0];
        Assert.Equal("WBC", wbc.Code);
        Assert.Equal("8.13", wbc.Value);
        Assert.Equal(8.13m, wbc.Numeric);
        Assert.Equal("10*3/uL", wbc.Units);
        Assert.Equal(["N"], wbc.Flags);
        Assert.Equal("F", wbc.Status);
        Assert.Equal(Utc(2024, 6, 27, 13, 54, 7), wbc.CompletedAt);
        // R|4|^^^^HCT^1|22.7|%||L||F…   R|12|^^^^EO%^1|22.1|%||H||F…
        Assert.Equal(("HCT", "22.7", "%", "L"), (m.Results[3].Code, m.Results[3].Value, m.Results[3].Units, m.Results[3].Flags[0]));
        Assert.Equal(("EO%", 22.1m, "H"), (m.Results[11].Code, m.Results[11].Numeric, m.Results[11].Flags[0]));
        // R|24|^^^^Eosinophilia||||A||F…  (no value, abnormal flag)
        Assert.Equal(("Eosinophilia", "", (decimal?)null, "A"), (m.Results[23].Code, m.Results[23].Value, m.Results[23].Numeric, m.Results[23].Flags[0]));
        // R|38|^^^^SCAT_WDF|PNG&R&20240628&R&2024_06_27_13_54_27_WDF.PNG|||N||F  (&R& = the repeat delimiter '\')
        Assert.Equal("SCAT_WDF", m.Results[37].Code);
        Assert.Equal(@"PNG\20240628\2024_06_27_13_54_27_WDF.PNG", m.Results[37].Value);
        Assert.Null(m.Results[37].Numeric);
        // R|41|^^^^DIST_PLT|PNG&R&20240628&R&2024_06_27_13_54_27_PLT.PNG
        Assert.Equal(@"PNG\20240628\2024_06_27_13_54_27_PLT.PNG", m.Results[40].Value);
    }

    [Fact]
    public void Cobas_c111_single_result_with_etb_frame_per_record_and_bare_lf_ends()
    {
        var r = Decode("roche_cobas_c111_etb_per_record.astm", "roche-cobas-c111");
        var m = Assert.Single(r.Messages);

        Assert.Equal(7, r.FrameCount);
        Assert.Contains(r.Warnings, w => w.Contains("bare CR or LF", StringComparison.Ordinal));
        // O|1||T20 10134GA D28^^6||S|… : O.3 empty, the id in O.4 component 1
        Assert.Equal("T20 10134GA D28", m.SpecimenId);
        Assert.Null(m.PatientId);
        // R|1|^^^413|40.13|g/L||N||F||$SYS$||20230803131700 ; C|1|I||I (empty comment)
        var alb = Assert.Single(m.Results);
        Assert.Equal(("413", "40.13", 40.13m, "g/L", "F"), (alb.Code, alb.Value, alb.Numeric, alb.Units, alb.Status));
        Assert.Equal(["N"], alb.Flags);
        Assert.Null(alb.ReferenceRange);
        Assert.Equal(Utc(2023, 8, 3, 13, 17, 0), alb.CompletedAt);
        Assert.Empty(alb.Comments);
    }

    [Fact]
    public void Cobas_c311_padded_sample_id_flags_and_a_comment_after_every_result()
    {
        var m = Single("roche_cobas_c311_flags_comments.astm", "roche-cobas-c311");

        // O|1|11625^CL-PL-24-0370         ^1^^004|R1|…
        Assert.Equal("CL-PL-24-0370", m.SpecimenId);
        Assert.Equal(7, m.Results.Count);
        Assert.Empty(m.Comments);
        // R|1|^^^685/|22.4|U/l||A||F|||||P1  then C|1|I|43|I
        var first = m.Results[0];
        Assert.Equal(("685/", "22.4", 22.4m, "U/l", "A", "F"), (first.Code, first.Value, first.Numeric, first.Units, first.Flags[0], first.Status));
        Assert.Equal(["43"], first.Comments);
        Assert.Null(first.CompletedAt);
        // R|3|^^^712/|4.1|umol/l||L||F ; C|1|I|0|I
        Assert.Equal(("712/", "4.1", "umol/l", "L"), (m.Results[2].Code, m.Results[2].Value, m.Results[2].Units, m.Results[2].Flags[0]));
        Assert.Equal(["0"], m.Results[2].Comments);
        // R|7|^^^690/|34|umol/l||A||F ; C|1|I|43|I
        Assert.Equal(("690/", 34m, "A"), (m.Results[6].Code, m.Results[6].Numeric, m.Results[6].Flags[0]));
        Assert.Equal(["43"], m.Results[6].Comments);
        Assert.All(m.Results, r => Assert.Single(r.Comments));
    }

    [Fact]
    public void Pentra_xlr_loinc_components_alarm_comments_and_non_numeric_dashes()
    {
        var r = Decode("horiba_pentra_xlr_framewrap_flags_comments.astm", "horiba-pentra-xlr");
        var m = Assert.Single(r.Messages);

        Assert.Equal(28, r.FrameCount); // frame numbers wrap 7→0 three times
        // O|1|S1234^00^00||^^^DIF|…   P|1||||Mohale^Rita||19771201|F (no patient id fields)
        Assert.Equal("S1234", m.SpecimenId);
        Assert.Null(m.PatientId);
        Assert.Equal(21, m.Results.Count);
        // R|1|^^^WBC^804-5^1|8.5|1||||W||NNE NNEMT||20220727121550 then two C records
        var wbc = m.Results[0];
        Assert.Equal(("WBC", "8.5", 8.5m, "1", "W"), (wbc.Code, wbc.Value, wbc.Numeric, wbc.Units, wbc.Status));
        Assert.Empty(wbc.Flags);
        Assert.Equal(Utc(2022, 7, 27, 12, 15, 50), wbc.CompletedAt);
        Assert.Equal(["Alarm_WBC^LMNE-^BASO+^LL^NL^LN^NO^SL1", "LARGE IMMATURE CELL^NRBCs"], wbc.Comments);
        // R|4|^^^MON#^742-7^1|0.15|1||L||W
        Assert.Equal(("MON#", "L"), (m.Results[3].Code, m.Results[3].Flags[0]));
        // R|10|^^^BAS#^704-7^1|-----|1||HH||X   R|11|^^^BAS%^706-2^1|-----|1||||X
        var bas = m.Results[9];
        Assert.Equal(("BAS#", "-----", (decimal?)null, (string?)null, "HH", "X"), (bas.Code, bas.Value, bas.Numeric, bas.Comparator, bas.Flags[0], bas.Status));
        Assert.Equal(("BAS%", "-----", "X"), (m.Results[10].Code, m.Results[10].Value, m.Results[10].Status));
        // R|19|^^^PLT^777-3^1|234|1||||F then C|1|I|PLATELET AGGREGATS|I
        Assert.Equal(("PLT", 234m, "F"), (m.Results[18].Code, m.Results[18].Numeric, m.Results[18].Status));
        Assert.Equal(["PLATELET AGGREGATS"], m.Results[18].Comments);
        // R|21|^^^RDWSD^2100-5^1|43|…
        Assert.Equal(("RDWSD", "43"), (m.Results[20].Code, m.Results[20].Value));
        Assert.Equal(3, m.Results.Sum(x => x.Comments.Count));
    }

    [Fact]
    public void Yumizen_h500_records_split_across_etb_frames_reassemble()
    {
        var r = Decode("horiba_yumizen_h500_etb_multiframe_capture.astm", "horiba-yumizen-h500");
        var m = Assert.Single(r.Messages);

        Assert.Equal(125, r.FrameCount);
        Assert.Empty(r.Warnings);
        // O|1|2021679||^^^DIF|R|20200407151558|…|BLOOD|…
        Assert.Equal("2021679", m.SpecimenId);
        Assert.Equal(27, m.Results.Count);
        // C|1|I|NON_COMPLIANT_DATA^WBC^…|I follows the O record: a message comment, repeats kept as sent
        var comment = Assert.Single(m.Comments);
        Assert.StartsWith(@"NON_COMPLIANT_DATA^WBC^LL_OR_LL1_INTERFERE\NON_COMPLIANT_DATA^PLT^SEP_RBC_PLT\", comment, StringComparison.Ordinal);
        // R|1|^^^PCT^51637-7|0.13|%|0.15 - 0.40^REFERENCE_RANGE|L||W||PATHO^^USER|20200407151558||
        var pct = m.Results[0];
        Assert.Equal(("PCT", "0.13", 0.13m, "%", "0.15 - 0.40", "L", "W"), (pct.Code, pct.Value, pct.Numeric, pct.Units, pct.ReferenceRange, pct.Flags[0], pct.Status));
        Assert.Equal(Utc(2020, 4, 7, 15, 15, 58), pct.CompletedAt); // R.13 empty: R.12 per profile
        // R|6|^^^RDW-CV^788-0|28.8|%|11.0 - 17.0^REFERENCE_RANGE|HH||F
        Assert.Equal(("RDW-CV", 28.8m, "11.0 - 17.0", "HH", "F"), (m.Results[5].Code, m.Results[5].Numeric, m.Results[5].ReferenceRange, m.Results[5].Flags[0], m.Results[5].Status));
        // R|18|^^^HGB^718-7|4.6|g/dL|11.5 - 17.0^REFERENCE_RANGE|LL||F
        Assert.Equal(("HGB", "4.6", "g/dL", "LL"), (m.Results[17].Code, m.Results[17].Value, m.Results[17].Units, m.Results[17].Flags[0]));
        // R|27|^^^EOS%^713-8|0.6|%|0.5 - 7.0^REFERENCE_RANGE|N||W  (last record before L)
        Assert.Equal(("EOS%", "0.6", "0.5 - 7.0", "N"), (m.Results[26].Code, m.Results[26].Value, m.Results[26].ReferenceRange, m.Results[26].Flags[0]));
    }

    [Fact]
    public void Vitros_repeat_delimited_flags_status_v_and_text_results_between_m_records()
    {
        var r = Decode("ortho_vitros3600_results_M_records_repeat_flags.astm", "ortho-vitros");
        var m = Assert.Single(r.Messages);

        // O|1|1111111^3^1||^^^1.0000+002+1.0\…|R||||||N||||5||||||||||F
        Assert.Equal("1111111", m.SpecimenId);
        Assert.Equal(8, m.Results.Count);
        // R|1|^^^1.0000+002+1.0|33.86|nmol/L||^0^FRMN\^0^NR\^0^NR\^0^NR||V|||20201111215231|20201111221629|36000796
        var first = m.Results[0];
        Assert.Equal(("1.0000+002+1.0", "33.86", 33.86m, "nmol/L", "V"), (first.Code, first.Value, first.Numeric, first.Units, first.Status));
        Assert.Equal(["FRMN", "NR", "NR", "NR"], first.Flags);
        Assert.Equal(Utc(2020, 11, 11, 22, 16, 29), first.CompletedAt);
        // R|2|…|33.46|nmol/L||^0^NQLS\^0^NR\^0^NR\^0^NR||V|||20201111215235|20201111221532
        Assert.Equal(["NQLS", "NR", "NR", "NR"], m.Results[1].Flags);
        Assert.Equal(Utc(2020, 11, 11, 22, 15, 32), m.Results[1].CompletedAt);
        // R|5|…|34.35|… after an M record
        Assert.Equal(34.35m, m.Results[4].Numeric);
        // R|6|^^^1.0000+950+1.0|No Result|||^0^NR||V|||20201111215231|20201111215216
        var none = m.Results[5];
        Assert.Equal(("1.0000+950+1.0", "No Result", (decimal?)null, (string?)null), (none.Code, none.Value, none.Numeric, none.Units));
        Assert.Equal(["NR"], none.Flags);
        Assert.Equal("1.0000+952+1.0", m.Results[7].Code);
    }

    [Fact]
    public void Erba_xl_backtick_delimiters_reference_range_component_and_instrument_flag_comment()
    {
        var m = Single("erba_xl_backtick_repeat_comment_flagA.astm", "erba-xl");

        // H|`^&|…   O|1|1044041||^^^DBILL|||||||||||SERUM
        Assert.Equal("1044041", m.SpecimenId);
        // R|1|^^^DBILL|0.3|mg/dl|^DEFAULT|A|N|F||||20200928132312 ; C|1|I|Instrument Flag A
        var r = Assert.Single(m.Results);
        Assert.Equal(("DBILL", "0.3", 0.3m, "mg/dl", "F"), (r.Code, r.Value, r.Numeric, r.Units, r.Status));
        Assert.Equal(["A"], r.Flags);
        Assert.Null(r.ReferenceRange); // ^DEFAULT: range component empty, "DEFAULT" is the range set's name
        Assert.Equal(Utc(2020, 9, 28, 13, 23, 12), r.CompletedAt);
        Assert.Equal(["Instrument Flag A"], r.Comments);
    }

    [Fact]
    public void Genexpert_alternate_delimiters_component_codes_and_qualitative_values()
    {
        var m = Single("cepheid_genexpert_alt_delimiters.astm", "cepheid-genexpert");

        // H|@^\|…   O|1|PR25A137||^^^MTB-RIF|R|20250514121638|…
        Assert.Equal("PR25A137", m.SpecimenId);
        Assert.Equal(84, m.Results.Count);
        // R|1|^MTB-RIF^^Xpert^Xpert MTB-RIF Ultra^4^MTB^|NOT DETECTED^|||||F||John Doe|20250514121638|20250514132103|…
        var main = m.Results[0];
        Assert.Equal(("MTB-RIF/Xpert/MTB", "Xpert MTB-RIF Ultra", "NOT DETECTED", "F"), (main.Code, main.Name, main.Value, main.Status));
        Assert.Equal(Utc(2025, 5, 14, 13, 21, 3), main.CompletedAt);
        // C|1|I|Notes^^Id# 118176 …|I after R1: a result comment
        Assert.Equal(["Notes^^Id# 118176 Sardani P Lantion CDU/Dr. A Marcil cp"], main.Comments);
        // R|3|^MTB-RIF^^Xpert^^^rpoB1^Ct|^0.0|||
        Assert.Equal(("MTB-RIF/Xpert/rpoB1/Ct", "0.0", 0.0m, (string?)null), (m.Results[2].Code, m.Results[2].Value, m.Results[2].Numeric, m.Results[2].Status));
        // R|4|^MTB-RIF^^Xpert^^^rpoB1^EndPt|^-2.0|||
        Assert.Equal(("MTB-RIF/Xpert/rpoB1/EndPt", -2.0m), (m.Results[3].Code, m.Results[3].Numeric));
        // R|15|^MTB-RIF^^Xpert^^^SPC^Ct|^24.7|||
        Assert.Equal(("MTB-RIF/Xpert/SPC/Ct", 24.7m), (m.Results[14].Code, m.Results[14].Numeric));
        // R|17|^MTB-RIF^^Xpert^^^^|FAIL^|||
        Assert.Equal(("MTB-RIF/Xpert", "FAIL"), (m.Results[16].Code, m.Results[16].Value));
        // R|20|^MTB-RIF^^Trace^Xpert MTB-RIF Ultra^4^MTB Trace^|^|||||F|… : empty value
        Assert.Equal(("MTB-RIF/Trace/MTB Trace", ""), (m.Results[19].Code, m.Results[19].Value));
        Assert.Single(m.Results[19].Comments);
        // R|84|^MTB-RIF^^RIF^^^IS1081-IS6110^EndPt|^3.0|||
        Assert.Equal(("MTB-RIF/RIF/IS1081-IS6110/EndPt", 3.0m), (m.Results[83].Code, m.Results[83].Numeric));
        Assert.Equal(3, m.Results.Count(x => x.Status == "F"));
        Assert.Empty(m.Comments);
    }

    [Fact]
    public void Vitros_host_query_is_a_query_not_a_result()
    {
        var r = Decode("ortho_vitros3600_host_query_Q.astm", "ortho-vitros");

        Assert.Empty(r.Messages);
        // Q|1|^1068687||ALL||||||||O
        var q = Assert.Single(r.Queries);
        Assert.Equal(["1068687"], q.SpecimenIds);
        Assert.False(q.IsCancel);
        Assert.Equal("O", q.StatusCode);
        Assert.Equal("N", Assert.Single(r.Interpretations).Decoded!.TerminationCode);
    }

    [Fact]
    public void Vitros_query_abort_is_a_cancel_with_sender_aborted_terminator()
    {
        var r = Decode("ortho_vitros3600_host_query_abort_Q-A_L-T.astm", "ortho-vitros");

        // Q|1|^1068687||ALL||||||||A  then L|1|T
        var q = Assert.Single(r.Queries);
        Assert.True(q.IsCancel);
        Assert.Equal("T", Assert.Single(r.Interpretations).Decoded!.TerminationCode);
        Assert.Empty(r.Messages);
    }
}
