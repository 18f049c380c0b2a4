using EdgeLab.Instruments.Dialect;

namespace EdgeLab.Fuzz.Targets;

/// <summary>The repository's instrument dialect profiles of one protocol: every input is decoded under each of them.</summary>
internal static class InstrumentProfiles
{
    public static IReadOnlyList<InstrumentProfile> Load(RepositoryFiles files, string protocol) =>
        ProfileCatalog.Load(files.Profiles).Profiles
            .Where(p => string.Equals(p.Protocol, protocol, StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
}
