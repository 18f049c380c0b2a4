using System.CommandLine;
using EdgeLab.Instruments.Dialect;

namespace EdgeLab.Gateway.Cli;

/// <summary>
/// <c>edgelab-gateway profiles list [--profiles-dir DIR]</c>: the analyzer profiles this gateway ships, one per line,
/// and how many analyzer models they cover. A profile that does not load is reported (exit code 1) with file and field.
/// </summary>
internal static class ProfilesCommand
{
    public static Command Create()
    {
        var profilesDir = new Option<string?>("--profiles-dir")
        {
            Description = "Directory of profile YAML files (default: firmware-config/instruments near the executable or the current directory)",
        };
        var list = new Command("list", "List the analyzer profiles (name, protocol, description) and count the models") { profilesDir };
        list.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var dir = parseResult.GetValue(profilesDir) ?? ProfileCatalog.FindDefaultDirectory();
            if (dir is null)
            {
                error.WriteLine($"no {ProfileCatalog.RelativeDirectory} directory found; give --profiles-dir");
                return 2;
            }
            try
            {
                ProfileListing.Write(ProfileCatalog.Load(dir), output);
                return 0;
            }
            catch (ProfileCatalogException e)
            {
                error.WriteLine(e.Message);
                return 1;
            }
        });
        return new Command("profiles", "Analyzer dialect profiles shipped with the gateway") { list };
    }
}
