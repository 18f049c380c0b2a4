using EdgeLab.Hub.Labels;

namespace EdgeLab.Hub.Tests.Labels;

public sealed class ZplLabelWriterTests
{
    internal static TubeLabel Sample(string name = "ИВАНОВА Мария Петровна") => new()
    {
        Barcode = "20260001234",
        PatientName = name,
        BirthDate = new DateOnly(1980, 3, 14),
        Sex = "Ж",
        SpecimenType = "blood-edta",
        Tests = ["HGB", "WBC", "PLT"],
        OrderingOrganization = "tomsk-okb",
    };

    [Fact]
    public void Label_has_utf8_barcode_name_birth_date_and_tests()
    {
        var zpl = ZplLabelWriter.Write(Sample());
        Assert.StartsWith("^XA", zpl, StringComparison.Ordinal);
        Assert.EndsWith("^XZ\n", zpl, StringComparison.Ordinal);
        Assert.Contains("^CI28", zpl, StringComparison.Ordinal);
        Assert.Contains("^BCN,70,Y,N,N,A^FH_^FD20260001234^FS", zpl, StringComparison.Ordinal);
        Assert.Contains("^FDИВАНОВА Мария Петровна^FS", zpl, StringComparison.Ordinal);
        Assert.Contains("14.03.1980 Ж", zpl, StringComparison.Ordinal);
        Assert.Contains("blood-edta: HGB WBC PLT", zpl, StringComparison.Ordinal);
        Assert.Contains("^PQ1", zpl, StringComparison.Ordinal);
        Assert.True(zpl.IndexOf("^CI28", StringComparison.Ordinal) < zpl.IndexOf("^FD", StringComparison.Ordinal));
    }

    [Fact]
    public void Caret_and_tilde_in_data_cannot_inject_commands()
    {
        var zpl = ZplLabelWriter.Write(Sample("EVIL^XZ~JR_"));
        Assert.Contains("^FDEVIL_5EXZ_7EJR_5F^FS", zpl, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(zpl, @"\^XZ"));
    }

    [Fact]
    public void Copies_and_long_names_are_handled()
    {
        var zpl = ZplLabelWriter.Write(Sample(new string('Ж', 80)), copies: 3);
        Assert.Contains("^PQ3", zpl, StringComparison.Ordinal);
        Assert.Contains("…^FS", zpl, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ZplLabelWriter.Write(Sample(), copies: 0));
    }
}
