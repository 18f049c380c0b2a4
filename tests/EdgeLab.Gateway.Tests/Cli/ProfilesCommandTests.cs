using System.CommandLine;
using EdgeLab.Gateway.Cli;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.Cli;

/// <summary><c>edgelab-gateway profiles list</c> through its real command-line parsing (issue 10, item 9: the profile count).</summary>
public sealed class ProfilesCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand("EdgeLab gateway") { ProfilesCommand.Create() };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Lists_the_shipped_profiles_and_at_least_twenty_analyzer_models()
    {
        var (exit, output, error) = Run("profiles", "list");

        Assert.True(exit == 0, error);
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        var match = System.Text.RegularExpressions.Regex.Match(last, @"^(\d+) profiles in .*: (\d+) analyzer models, 2 generic");
        Assert.True(match.Success, last);
        Assert.True(int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) >= 20, last);
        Assert.Contains("stago-start4", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_profile_exits_1_naming_file_and_field()
    {
        using var dir = new ScratchDirectory("profiles-cmd");
        File.WriteAllText(dir.File("bad-one.yaml"), "name: bad-one\nprotocol: morse\n");

        var (exit, _, error) = Run("profiles", "list", "--profiles-dir", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains("bad-one.yaml", error, StringComparison.Ordinal);
        Assert.Contains("protocol", error, StringComparison.Ordinal);
    }
}
