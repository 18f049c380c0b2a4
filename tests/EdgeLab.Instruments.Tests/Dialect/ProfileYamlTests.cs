using System.Reflection;
using System.Text.Json;
using EdgeLab.Instruments.Dialect;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace EdgeLab.Instruments.Tests.DialectProfiles;

/// <summary>
/// Profiles are mapped from the YAML node tree by hand (so the Native AOT gateway can read them); these tests hold that
/// mapping to what YamlDotNet's reflection deserializer, which read them before, made of the same files.
/// </summary>
public class ProfileYamlTests
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [Fact]
    public void Repository_profiles_read_exactly_as_the_reflection_deserializer_read_them()
    {
        var reflection = new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .WithTypeMapping<IReadOnlyList<int>, List<int>>()
            .WithTypeMapping<IReadOnlyList<string>, List<string>>()
            .Build();
        var dir = ProfileCatalog.FindDefaultDirectory() ?? throw new InvalidOperationException("no profiles");
        var files = Directory.GetFiles(dir, "*.yaml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var yaml = File.ReadAllText(file);
            var expected = reflection.Deserialize<InstrumentProfile>(yaml);
            var errors = new List<ProfileError>();
            var actual = ProfileCatalog.TryParse(yaml, Path.GetFileName(file), errors);
            Assert.True(actual is not null, string.Join(Environment.NewLine, errors));
            Assert.Equal(JsonSerializer.Serialize(expected, Json), JsonSerializer.Serialize(actual, Json));
        }
    }

    [Fact]
    public void Every_property_of_a_profile_is_read_from_its_yaml_key()
    {
        var unknown = new List<string>();
        foreach (var (key, value) in KeysOf(typeof(InstrumentProfile)))
        {
            var errors = new List<ProfileError>();
            ProfileYaml.Read(Root($"{key}: {value}"), new ProfileYamlNodes("all.yaml", errors));
            unknown.AddRange(errors.Where(e => e.Message.Contains("unknown key", StringComparison.Ordinal)).Select(e => e.Field));
        }
        Assert.Empty(unknown);
    }

    [Fact]
    public void Wrong_value_types_name_the_field_and_line_and_every_one_is_listed()
    {
        var errors = new List<ProfileError>();
        var yaml = "name: x\nprotocol: astm\nmaxFrameSize: big\nhostQuery: maybe\nspecimenId: { record: OP, field: [3] }\nqc: { actionCodes: Q }\n";

        Assert.Null(ProfileCatalog.TryParse(yaml, "x.yaml", errors));

        Assert.Equal(["maxFrameSize", "hostQuery", "specimenId.record", "specimenId.field", "qc.actionCodes"], errors.Select(e => e.Field));
        Assert.Contains("line 3", errors[0].Message);
        Assert.Contains("'big' is not a whole number", errors[0].Message);
        Assert.Contains("line 5", errors[2].Message);
        Assert.All(errors, e => Assert.Equal("x.yaml", e.File));
    }

    [Fact]
    public void Unknown_nested_key_is_named_with_its_path()
    {
        var errors = new List<ProfileError>();
        Assert.Null(ProfileCatalog.TryParse("name: x\nprotocol: astm\ntransport:\n  kind: serial\n  baudrate: 9600\n", "x.yaml", errors));
        var error = Assert.Single(errors);
        Assert.Equal("transport.baudrate", error.Field);
        Assert.Contains("line 5", error.Message);
    }

    [Fact]
    public void Empty_and_multi_document_files_are_rejected()
    {
        var errors = new List<ProfileError>();
        Assert.Null(ProfileCatalog.TryParse("# only a comment\n", "e.yaml", errors));
        Assert.Contains("empty", Assert.Single(errors).Message);

        errors.Clear();
        Assert.Null(ProfileCatalog.TryParse("protocol: astm\n---\nprotocol: hl7\n", "m.yaml", errors));
        Assert.Contains("second YAML document", Assert.Single(errors).Message);
    }

    [Fact]
    public void A_key_given_twice_is_an_error_not_a_silent_last_wins()
    {
        var errors = new List<ProfileError>();
        Assert.Null(ProfileCatalog.TryParse("name: x\nprotocol: astm\nprotocol: hl7\n", "x.yaml", errors));
        var error = Assert.Single(errors);
        Assert.Contains("line 3", error.Message);
        Assert.Contains("protocol", error.Message);
    }

    private static YamlNode Root(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents[0].RootNode;
    }

    /// <summary>Each settable property as a camelCase key with a value of its type; nested records list their own keys.</summary>
    private static IEnumerable<(string Key, string Value)> KeysOf(Type type)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null))
        {
            var key = char.ToLowerInvariant(p.Name[0]) + p.Name[1..];
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (t.Namespace == typeof(InstrumentProfile).Namespace && t.IsClass)
            {
                foreach (var (inner, value) in KeysOf(t))
                    yield return (key, $"{{ {inner}: {value} }}");
                continue;
            }
            yield return (key, t switch
            {
                _ when t == typeof(int) => "1",
                _ when t == typeof(bool) => "true",
                _ when t == typeof(char) => "O",
                _ when t == typeof(IReadOnlyList<int>) => "[1]",
                _ when t == typeof(IReadOnlyList<string>) => "[a]",
                _ => "text",
            });
        }
    }
}
