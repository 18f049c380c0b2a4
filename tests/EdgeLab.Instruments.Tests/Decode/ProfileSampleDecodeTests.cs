using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Message.Hl7;
using static EdgeLab.Instruments.Tests.CaptureDecode.Samples;

namespace EdgeLab.Instruments.Tests.CaptureDecode;

/// <summary>
/// Issue 10, item 9: each analyzer profile added for the region decoded from its vector (tests/samples, sources in
/// SOURCES.md); expected values read by hand from the files, the record or segment quoted above each group.
/// </summary>
public sealed class ProfileSampleDecodeTests
{
    private static DecodedMessage Hl7(string sample, string profile)
    {
        var r = Hl7MessageDecoder.Decode(File.ReadAllBytes(Hl7Path(sample)), Catalog.Get(profile), Zone);
        Assert.Null(r.Error);
        return r.Message!;
    }

    private static DecodedResult Result(DecodedMessage m, string code) => Assert.Single(m.Results, r => r.Code == code);

    [Fact]
    public void At_least_twenty_analyzer_models_ship_each_with_a_vector()
    {
        var models = Catalog.Names.Where(n => !n.StartsWith("generic-", StringComparison.Ordinal)).ToList();
        Assert.True(models.Count >= 20, $"{models.Count} analyzer profiles: {string.Join(", ", models)}");
        var sources = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "SOURCES.md"));
        Assert.All(models, m => Assert.Contains($"`{m}`", sources, StringComparison.Ordinal));
    }

    [Fact]
    public void Profiles_list_prints_every_profile_and_the_model_count()
    {
        var output = new StringWriter();

        EdgeLab.Instruments.Dialect.ProfileListing.Write(Catalog, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Catalog.Names.Count() + 1, lines.Length);
        Assert.StartsWith("abbott-afinion2", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("mindray-bs200", StringComparison.Ordinal) && l.Contains("hl7", StringComparison.Ordinal));
        Assert.Matches(@"^26 profiles in .*: 24 analyzer models, 2 generic", lines[^1]);
    }

    [Fact]
    public void Abbott_architect_astm_assay_number_and_result_type_make_the_code()
    {
        var m = Single("abbott_architect_astm_hcg_three_result_types.astm", "abbott-architect");
        // O|1|SID13|SID3^A123^5|…   P|1|||PIDSID13|…
        Assert.Equal(("SID13", "PIDSID13", "patient"), (m.SpecimenId, m.PatientId, m.Kind));
        // R|1|^^^0021^B-hCG^UNDILUTED^P^47331M100^00788^^F|< 1.20|mIU/mL|0.35 TO 4.94|EXP^<||F||||19990715081030
        var conc = Result(m, "0021/F");
        Assert.Equal(("B-hCG", "< 1.20", 1.20m, "<", "mIU/mL", "0.35 TO 4.94"), (conc.Name, conc.Value, conc.Numeric, conc.Comparator, conc.Units, conc.ReferenceRange));
        Assert.Equal(Utc(1999, 7, 15, 8, 10, 30), conc.CompletedAt);
        Assert.Equal(["Example Result Comment"], conc.Comments);
        // R|2|…^^I|NEGATIVE   R|3|…^^P|9245|RLU
        Assert.Equal(("NEGATIVE", (decimal?)null), (Result(m, "0021/I").Value, Result(m, "0021/I").Numeric));
        Assert.Equal((9245m, "RLU"), (Result(m, "0021/P").Numeric, Result(m, "0021/P").Units));
    }

    [Fact]
    public void Siemens_dca_vantage_keyed_id_from_the_p_record_and_time_from_r12()
    {
        var m = Single("siemens_dca_vantage_albumin_creatinine_ratio.astm", "siemens-dca-vantage");
        // P|1|BU24R554   O|1||660^0090|…
        Assert.Equal("BU24R554", m.SpecimenId);
        Assert.Equal(["Alb", "Crt", "Ratio"], m.Results.Select(r => r.Code));
        // R|1|^^^Alb|63.7|mg/L||||F|||20240820151030 ; C|1|I|1.000^0.0 mg/L|G
        var alb = Result(m, "Alb");
        Assert.Equal((63.7m, "mg/L", "F"), (alb.Numeric, alb.Units, alb.Status));
        Assert.Equal(Utc(2024, 8, 20, 15, 10, 30), alb.CompletedAt);
        Assert.Equal(["1.000^0.0 mg/L"], alb.Comments);
        Assert.Equal((27.6m, "mg/g"), (Result(m, "Ratio").Numeric, Result(m, "Ratio").Units));
    }

    [Fact]
    public void Abbott_afinion2_hba1c()
    {
        var m = Single("abbott_afinion2_hba1c.astm", "abbott-afinion2");
        // P|1||3643|||||U   R|1|^^^HbA1c|5.9|%||||F||3643||20241206140615
        Assert.Equal("3643", m.SpecimenId);
        var a1c = Assert.Single(m.Results);
        Assert.Equal(("HbA1c", 5.9m, "%"), (a1c.Code, a1c.Numeric, a1c.Units));
        Assert.Equal(Utc(2024, 12, 6, 14, 6, 15), a1c.CompletedAt);
    }

    [Fact]
    public void Sysmex_xp100_padded_sample_number_and_right_aligned_values()
    {
        var m = Single("sysmex_xp100_cbc_padded_values.astm", "sysmex-xp");
        // O|1||^^            113^A|…
        Assert.Equal("113", m.SpecimenId);
        Assert.Equal(20, m.Results.Count);
        // R|1|^^^^WBC^1|  5.5|10*3/uL||N   R|4|^^^^HCT^1| 24.2|%||L   R|7|^^^^MCHC^1| 41.7|g/dL||H
        Assert.Equal((5.5m, "10*3/uL", "N"), (Result(m, "WBC").Numeric, Result(m, "WBC").Units, Result(m, "WBC").Flags[0]));
        Assert.Equal((24.2m, "L"), (Result(m, "HCT").Numeric, Result(m, "HCT").Flags[0]));
        Assert.Equal((41.7m, "g/dL", "H"), (Result(m, "MCHC").Numeric, Result(m, "MCHC").Units, Result(m, "MCHC").Flags[0]));
        Assert.Equal(0.6m, Result(m, "MXD#").Numeric);
        Assert.Equal(Utc(2024, 7, 23, 17, 24, 52), Result(m, "PCT").CompletedAt);
    }

    [Fact]
    public void Hitachi_7600_long_order_in_etb_frames_and_alarm_comment_per_result()
    {
        var r = Decode("hitachi_7600_chemistry_long_order_etb.astm", "hitachi-7600");
        var m = Assert.Single(r.Messages);
        // O|1|0^                     6^1^^006|R1|^^^989/\^^^990/\…
        Assert.Equal("6", m.SpecimenId);
        Assert.Equal(22, m.Results.Count);
        // R|1|^^^989/|133|mmol/l||N||F|||||ISE1 ; C|1|I|0|I
        Assert.Equal((133m, "mmol/l", "N", "F"), (Result(m, "989/").Numeric, Result(m, "989/").Units, Result(m, "989/").Flags[0], Result(m, "989/").Status));
        Assert.Equal(["0"], Result(m, "989/").Comments);
        // R|7|^^^685/|22.3|U/l   R|21|^^^690/|55|umol/l   R|18|^^^992/|8|| (no unit)
        Assert.Equal((22.3m, "U/l"), (Result(m, "685/").Numeric, Result(m, "685/").Units));
        Assert.Equal(55m, Result(m, "690/").Numeric);
        Assert.Null(Result(m, "992/").Units);
    }

    [Fact]
    public void Pixcell_hemoscreen_hl7_24_sample_id_from_pid2()
    {
        var m = Hl7("pixcell_hemoscreen_oru_r01.hl7", "pixcell-hemoscreen");
        // PID||35   OBR||||OBS|||20231210111800
        Assert.Equal("35", m.SpecimenId);
        Assert.Equal(20, m.Results.Count);
        // OBX|0|NM|WBC||11.7|10*3/uL|||||F|||20231210111800|0000000-0001-HS
        Assert.Equal((11.7m, "10*3/uL", "F"), (Result(m, "WBC").Numeric, Result(m, "WBC").Units, Result(m, "WBC").Status));
        Assert.Equal(Utc(2023, 12, 10, 11, 18, 0), Result(m, "WBC").CompletedAt);
        Assert.Equal((14.25m, "g/dL"), (Result(m, "HGB").Numeric, Result(m, "HGB").Units));
    }

    [Theory]
    [InlineData("mindray_bs200_oru_r01.hl7", "mindray-bs200", "LAB-41", "patient", 7)]
    [InlineData("mindray_bs360e_oru_r01_qc_msh16.hl7", "mindray-bs360e", "PLACER789", "qc", 3)]
    public void Mindray_bs_series_whole_obx3_code_barcode_in_obr2_and_msh16_kind(string sample, string profile, string specimen, string kind, int count)
    {
        var m = Hl7(sample, profile);
        // MSH|…|ORU^R01|26|P|2.3.1||||0||ASCII  (MSH-16 2 = QC result)   OBR|1|LAB-41|25|Mindray^BS-200|N|…
        Assert.Equal((specimen, kind, count), (m.SpecimenId, m.Kind, m.Results.Count));
        // OBX|n|NM|ALT|Alanine Aminotransferase|32.000000|U/L|7.000000-40.000000|Normal|||F||32.000000|20181031155645
        var alt = Result(m, "ALT");
        Assert.Equal(("U/L", "F"), (alt.Units, alt.Status));
        Assert.Equal(["Normal"], alt.Flags);
        Assert.Equal(Utc(2018, 10, 31, 15, 56, 45), alt.CompletedAt);
    }

    [Fact]
    public void Mindray_bc2000_units_with_an_unescaped_caret_arrive_whole()
    {
        var m = Hl7("mindray_bc2000_oru_r01_unescaped_units.hl7", "mindray-bc2000");
        // OBR|1||44|…   OBX|1|NM|WBC^WHITE BLOOD CELL||7.5|10^3/uL|4.0-10.0|N|||F
        Assert.Equal("44", m.SpecimenId);
        Assert.Equal(("WHITE BLOOD CELL", 7.5m, "10^3/uL"), (Result(m, "WBC").Name, Result(m, "WBC").Numeric, Result(m, "WBC").Units));
        Assert.Equal("10^6/uL", Result(m, "RBC").Units);
        Assert.Equal(Utc(2026, 1, 15, 9, 29, 0), Result(m, "HGB").CompletedAt); // OBR-7 fallback
    }

    [Fact]
    public void Sysmex_xn_in_hl7_mode_names_from_obx3_2_and_specimen_from_spm2()
    {
        var m = Hl7("sysmex_xn_hl7_oru_r01.hl7", "sysmex-xn-hl7");
        // SPM|1|XN-55||BLD^Whole blood   OBX|1|NM|6690-2^WBC^LN||6.5|10^3/uL|4.5-11.0|N|||F|||20260115101200
        Assert.Equal(("XN-55", "PAT-XN-1"), (m.SpecimenId, m.PatientId));
        Assert.Equal(9, m.Results.Count);
        Assert.Equal((6.5m, "10^3/uL", "4.5-11.0"), (Result(m, "WBC").Numeric, Result(m, "WBC").Units, Result(m, "WBC").ReferenceRange));
        Assert.Equal((14.8m, "g/dL"), (Result(m, "HGB").Numeric, Result(m, "HGB").Units));
    }

    [Fact]
    public void Abbott_architect_hl7_qualitative_results()
    {
        var m = Hl7("abbott_architect_hl7_oru_r01_qualitative.hl7", "abbott-architect-hl7");
        // OBR|1||43|…   OBX|1|ST|HIV^HIV 1/2 Ag/Ab||NEGATIVE   OBX|2|ST|HBSAG^Hepatitis B Surface Ag||POSITIVE
        Assert.Equal("43", m.SpecimenId);
        Assert.Equal(("NEGATIVE", (decimal?)null, "HIV 1/2 Ag/Ab"), (Result(m, "HIV").Value, Result(m, "HIV").Numeric, Result(m, "HIV").Name));
        Assert.Equal("POSITIVE", Result(m, "HBSAG").Value);
    }

    [Fact]
    public void Stago_start4_coagulation_times_in_sec_and_inr_without_unit()
    {
        var m = Single("stago_start4_coagulation.astm", "stago-start4");
        // O|1|62||^^^PT\^^^INR\…   R|1|^^^PT|12.5|sec|11.0-13.5|N||F||||20260115120000   R|2|^^^INR|1.05||0.9-1.2|N
        Assert.Equal(("62", "PAT-2026-003"), (m.SpecimenId, m.PatientId));
        Assert.Equal(["PT", "INR", "APTT", "FIB", "TT"], m.Results.Select(r => r.Code));
        Assert.Equal((12.5m, "sec", "11.0-13.5"), (Result(m, "PT").Numeric, Result(m, "PT").Units, Result(m, "PT").ReferenceRange));
        Assert.Equal((1.05m, (string?)null), (Result(m, "INR").Numeric, Result(m, "INR").Units));
        Assert.Equal(Utc(2026, 1, 15, 12, 0, 0), Result(m, "FIB").CompletedAt);
    }

    [Theory]
    [InlineData("horiba_pentra60_cbc_loinc.astm", "horiba-pentra60", "60", 7)]
    [InlineData("horiba_micros60_cbc_mixed_cells.astm", "horiba-micros60", "61", 6)]
    [InlineData("mindray_ba88a_results.astm", "mindray-ba88a", "88", 3)]
    public void Template_built_astm_profiles_read_code_value_unit_and_flag(string sample, string profile, string specimen, int count)
    {
        var m = Single(sample, profile);
        // O|1|60||^^^WBC\^^^RBC\…   R|1|^^^WBC^6690-2|5.8|10^3/uL|4.0-10.0|N||F||||20260115121500
        Assert.Equal((specimen, "patient", count), (m.SpecimenId, m.Kind, m.Results.Count));
        var wbc = Result(m, "WBC");
        Assert.NotNull(wbc.Numeric);
        Assert.Equal("10^3/uL", wbc.Units);
        Assert.Equal(["N"], wbc.Flags);
    }
}
