using EdgeLab.Instruments.Dialect;
using EdgeLab.Simulator.Hl7;

namespace EdgeLab.Simulator.Cli;

/// <summary>
/// Which host query the simulated analyzer sends: <c>--hl7-query qry|qbp</c> when given, else what the instrument
/// profile says (<c>protocol: hl7</c> with <c>hl7.hostQueryMessage</c>, or <c>protocol: astm</c>), else ASTM.
/// </summary>
/// <param name="Hl7">Null: ASTM Q record.</param>
/// <param name="Version">MSH-12 for HL7 (the profile's <c>hl7.version</c>, else the query's usual version).</param>
/// <param name="Application">MSH-3: the profile name, or <c>EdgeLabSim</c>.</param>
internal sealed record QueryProtocolChoice(Hl7QueryKind? Hl7, string Version, string Application)
{
    /// <summary>The choice, or the usage error to print (naming the option and what to give instead).</summary>
    public static (QueryProtocolChoice? Choice, string? Error) Resolve(string? hl7Query, string? profileName, string? profilesDir)
    {
        var explicitKind = Hl7QueryKinds.Parse(hl7Query);
        if (hl7Query is not null && explicitKind is null)
            return (null, $"--hl7-query '{hl7Query}' is not a query form: use qry (QRY^Q02, Mindray) or qbp (QBP^Q11)");
        if (profileName is null)
            return (new QueryProtocolChoice(explicitKind, explicitKind?.DefaultVersion() ?? "", "EdgeLabSim"), null);

        var dir = profilesDir ?? ProfileCatalog.FindDefaultDirectory();
        if (dir is null)
            return (null, $"cannot find {ProfileCatalog.RelativeDirectory} for --profile {profileName}: give --profiles-dir DIR");
        var path = new[] { ".yaml", ".yml" }.Select(ext => Path.Combine(dir, profileName + ext)).FirstOrDefault(File.Exists);
        if (path is null)
            return (null, $"--profile {profileName}: no {profileName}.yaml in {dir} (known: {string.Join(", ", Known(dir))})");
        InstrumentProfile profile;
        try
        {
            profile = ProfileCatalog.LoadFile(path);
        }
        catch (ProfileCatalogException e)
        {
            return (null, $"--profile {profileName}: {e.Message}");
        }
        if (profile.Protocol != "hl7")
        {
            return explicitKind is null
                ? (new QueryProtocolChoice(null, "", profile.Name), null)
                : (null, $"--hl7-query needs an HL7 instrument, but profile {profile.Name} speaks {profile.Protocol}: drop --hl7-query or pick an hl7 profile");
        }
        var kind = explicitKind ?? Hl7QueryKinds.Parse(profile.Hl7?.HostQueryMessage);
        if (kind is null)
            return (null, $"profile {profile.Name} names no hl7.hostQueryMessage: give --hl7-query qry or qbp");
        return (new QueryProtocolChoice(kind, profile.Hl7?.Version ?? kind.Value.DefaultVersion(), profile.Name), null);
    }

    private static IEnumerable<string> Known(string dir) =>
        Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "*.y*ml").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)
            : [];
}
