using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Tests.CaptureDecode;

namespace EdgeLab.Instruments.Tests.DialectProfiles;

public class ProfileCatalogTests
{
    private static string Dir() => ProfileCatalog.FindDefaultDirectory() ?? throw new InvalidOperationException("no profiles");

    [Fact]
    public void Repository_profiles_all_load_and_validate()
    {
        ProfileCatalog catalog;
        try
        {
            catalog = ProfileCatalog.Load(Dir());
        }
        catch (ProfileCatalogException e)
        {
            Assert.Fail(e.Message);
            return;
        }
        Assert.Equal(
            ["abbott-afinion2", "abbott-architect", "abbott-architect-hl7", "cepheid-genexpert", "erba-xl", "generic-hl7", "generic-lis2",
             "hitachi-7600", "horiba-micros60", "horiba-pentra-xlr", "horiba-pentra60", "horiba-yumizen-h500", "mindray-ba88a",
             "mindray-bc2000", "mindray-bc5380", "mindray-bs200", "mindray-bs360e", "ortho-vitros", "pixcell-hemoscreen",
             "roche-cobas-c111", "roche-cobas-c311", "siemens-dca-vantage", "stago-start4", "sysmex-xn", "sysmex-xn-hl7", "sysmex-xp"],
            catalog.Names);
    }

    [Fact]
    public void Profile_fields_are_read_from_yaml()
    {
        var sysmex = Samples.Catalog.Get("sysmex-xn");
        Assert.Equal("astm", sysmex.Protocol);
        Assert.Equal(new FieldLocation { Record = 'O', Field = 4, Component = 3, Trim = true }, sysmex.SpecimenId);
        Assert.Equal([5], sysmex.TestCode.Components);
        Assert.True(sysmex.TolerateBareLineEnds);
        Assert.Equal(9600, sysmex.Transport.Baud);

        var vitros = Samples.Catalog.Get("ortho-vitros");
        Assert.Equal(3, vitros.Result.FlagComponent);
        Assert.True(vitros.HostQuery);
        Assert.Equal(["Q"], vitros.Qc.ActionCodes);

        var genexpert = Samples.Catalog.Get("cepheid-genexpert");
        Assert.Equal([2, 4, 7, 8], genexpert.TestCode.Components);
        Assert.Equal("firstNonEmptyComponent", genexpert.Result.Value);
        Assert.Equal(64000, genexpert.MaxFrameSize);
        Assert.Equal("tcp-server", genexpert.Transport.Kind);

        var mindray = Samples.Catalog.Get("mindray-bc5380");
        Assert.Equal("hl7", mindray.Protocol);
        Assert.Equal("OBR-3", mindray.Hl7!.SpecimenId);
        Assert.Equal("OBX-3.2", mindray.Hl7.TestCode);
    }

    [Fact]
    public void Errors_name_the_file_and_the_field()
    {
        var errors = new List<ProfileError>();
        var yaml = """
            name: bad-one
            protocol: morse
            maxFrameSize: 5
            encoding: ebcdic
            specimenId: { record: X, field: 99 }
            transport: { kind: serial, baud: 1234, parity: maybe }
            result: { value: sometimes }
            """;

        Assert.Null(ProfileCatalog.TryParse(yaml, "bad-one.yaml", errors));

        Assert.All(errors, e => Assert.Equal("bad-one.yaml", e.File));
        var fields = errors.Select(e => e.Field).ToHashSet();
        foreach (var f in new[] { "protocol", "maxFrameSize", "encoding", "specimenId.record", "specimenId.field", "transport.baud", "transport.parity", "result.value" })
            Assert.Contains(f, fields);
    }

    [Fact]
    public void Unknown_yaml_key_names_the_key_and_line()
    {
        var errors = new List<ProfileError>();
        Assert.Null(ProfileCatalog.TryParse("name: x\nprotocol: astm\nspecimenIdd: 3\n", "x.yaml", errors));
        var error = Assert.Single(errors);
        Assert.Equal("specimenIdd", error.Field);
        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void Name_must_match_the_file()
    {
        var errors = new List<ProfileError>();
        Assert.Null(ProfileCatalog.TryParse("name: other\nprotocol: astm\n", "mine.yaml", errors));
        Assert.Equal("name", Assert.Single(errors).Field);
    }

    [Fact]
    public void Hl7_profile_without_hl7_section_is_rejected()
    {
        var errors = new List<ProfileError>();
        Assert.Null(ProfileCatalog.TryParse("protocol: hl7\ntransport: { kind: tcp-server, port: 2575 }\n", "h.yaml", errors));
        Assert.Equal("hl7", Assert.Single(errors).Field);
    }

    [Fact]
    public void Directory_load_reports_every_bad_file()
    {
        var dir = Directory.CreateTempSubdirectory("lis2-profiles-").FullName;
        File.WriteAllText(Path.Combine(dir, "good.yaml"), "protocol: astm\n");
        File.WriteAllText(Path.Combine(dir, "bad1.yaml"), "protocol: x\n");
        File.WriteAllText(Path.Combine(dir, "bad2.yaml"), "maxFrameSize: [\n");

        var e = Assert.Throws<ProfileCatalogException>(() => ProfileCatalog.Load(dir));

        Assert.Contains(e.Errors, x => x.File == "bad1.yaml" && x.Field == "protocol");
        Assert.Contains(e.Errors, x => x.File == "bad2.yaml");
        Assert.DoesNotContain(e.Errors, x => x.File == "good.yaml");
    }
}
