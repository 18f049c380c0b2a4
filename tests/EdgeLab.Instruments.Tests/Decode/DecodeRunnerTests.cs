using System.Text.Json;
using EdgeLab.Instruments.Dialect.Decode;

namespace EdgeLab.Instruments.Tests.CaptureDecode;

public class DecodeRunnerTests
{
    private static (int Exit, string Out, string Err) Run(string profile, string file, string? tz = "UTC")
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = DecodeRunner.Run(new DecodeOptions(profile, file, null, tz), stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("sysmex-xn", "sysmex_xn550_escape_R_flags.astm", 41)]
    [InlineData("roche-cobas-c111", "roche_cobas_c111_etb_per_record.astm", 1)]
    [InlineData("roche-cobas-c311", "roche_cobas_c311_flags_comments.astm", 7)]
    [InlineData("horiba-pentra-xlr", "horiba_pentra_xlr_framewrap_flags_comments.astm", 21)]
    [InlineData("horiba-yumizen-h500", "horiba_yumizen_h500_etb_multiframe_capture.astm", 27)]
    [InlineData("ortho-vitros", "ortho_vitros3600_results_M_records_repeat_flags.astm", 8)]
    [InlineData("erba-xl", "erba_xl_backtick_repeat_comment_flagA.astm", 1)]
    [InlineData("cepheid-genexpert", "cepheid_genexpert_alt_delimiters.astm", 84)]
    public void Every_astm_sample_prints_one_json_object_with_all_its_results(string profile, string sample, int results)
    {
        var (exit, output, error) = Run(profile, Samples.AstmPath(sample));

        Assert.True(exit == 0, error);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal(profile, root.GetProperty("profile").GetString());
        Assert.Equal("patient", root.GetProperty("kind").GetString());
        Assert.Equal(results, root.GetProperty("results").GetArrayLength());
        foreach (var name in new[] { "specimenId", "patientId", "comments" })
            Assert.True(root.TryGetProperty(name, out _), name);
        var first = root.GetProperty("results")[0];
        foreach (var name in new[] { "code", "value", "numeric", "comparator", "units", "flags", "referenceRange", "status", "completedAt" })
            Assert.True(first.TryGetProperty(name, out _), name);
    }

    [Fact]
    public void Json_carries_values_as_sent_and_numbers_beside_them()
    {
        var (exit, output, _) = Run("horiba-pentra-xlr", Samples.AstmPath("horiba_pentra_xlr_framewrap_flags_comments.astm"));

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var results = json.RootElement.GetProperty("results");
        var wbc = results[0];
        Assert.Equal("WBC", wbc.GetProperty("code").GetString());
        Assert.Equal("8.5", wbc.GetProperty("value").GetString());
        Assert.Equal(8.5m, wbc.GetProperty("numeric").GetDecimal());
        Assert.Equal("2022-07-27T12:15:50+00:00", wbc.GetProperty("completedAt").GetString());
        Assert.Equal(2, wbc.GetProperty("comments").GetArrayLength());
        var bas = results[9];
        Assert.Equal("-----", bas.GetProperty("value").GetString());
        Assert.Equal(JsonValueKind.Null, bas.GetProperty("numeric").ValueKind);
        Assert.Equal("HH", bas.GetProperty("flags")[0].GetString());
    }

    [Fact]
    public void Host_query_capture_prints_nothing_and_says_why()
    {
        var (exit, output, error) = Run("ortho-vitros", Samples.AstmPath("ortho_vitros3600_host_query_Q.astm"));

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("host query for 1 specimen", error);
    }

    [Fact]
    public void Corrupted_checksum_gives_non_zero_exit_and_names_frame_and_offset()
    {
        var bytes = File.ReadAllBytes(Samples.AstmPath("ortho_vitros3600_results_M_records_repeat_flags.astm"));
        // Frame 4 is the first R record; change a digit of 33.86 so its checksum no longer matches.
        var at = IndexOf(bytes, "33.86"u8);
        bytes[at] = (byte)'4';
        var file = WriteTemp(bytes);

        var (exit, output, error) = Run("ortho-vitros", file);

        Assert.Equal(DecodeExitCodes.BadInput, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("frame 4", error);
        Assert.Contains("byte offset", error);
        Assert.Contains("checksum mismatch", error);
    }

    [Fact]
    public void Bad_record_in_a_line_capture_names_record_field_and_offset()
    {
        var file = WriteTemp("H|\\^&|||X\nP|1\nO|1|S1||^^^GLU\nR|1|^^^GLU|5.1|mmol/L||N||F||||2024x\nL|1|N\n"u8.ToArray());

        var (exit, _, error) = Run("generic-lis2", file);

        Assert.Equal(DecodeExitCodes.BadInput, exit);
        Assert.True(error.Contains("record 4 (R), field R.13", StringComparison.Ordinal), error);
        Assert.Contains("invalid date/time '2024x'", error);
        Assert.Contains("byte offset 60", error);
    }

    [Fact]
    public void Unknown_profile_and_missing_file_are_usage_errors()
    {
        Assert.Equal(DecodeExitCodes.Usage, Run("no-such-analyzer", Samples.AstmPath("erba_xl_backtick_repeat_comment_flagA.astm")).Exit);
        var missing = Run("erba-xl", "/nonexistent/capture.astm");
        Assert.Equal(DecodeExitCodes.Usage, missing.Exit);
        Assert.Contains("cannot read", missing.Err);
    }

    [Fact]
    public void Hl7_profile_dispatches_to_the_hl7_decoder()
    {
        var (exit, output, error) = Run("mindray-bc5380", Samples.Hl7Path("mindray_bc5380_hl7_oru_r01.hl7"));

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]);
        Assert.Equal("mindray-bc5380", json.RootElement.GetProperty("profile").GetString());
        Assert.Equal("20071207011", json.RootElement.GetProperty("specimenId").GetString());
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    private static string WriteTemp(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"lis2-test-{Guid.NewGuid():N}.astm");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
