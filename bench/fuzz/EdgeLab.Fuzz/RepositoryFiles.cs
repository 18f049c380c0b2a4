using System.Reflection;

namespace EdgeLab.Fuzz;

/// <summary>Where the repository's sample captures and instrument profiles are (seeds and dialects for the targets).</summary>
internal sealed class RepositoryFiles(string root)
{
    public string Root { get; } = root;

    public string Samples(string kind) => Path.Combine(Root, "tests", "samples", kind);

    public string Profiles => Path.Combine(Root, "firmware-config", "instruments");

    /// <summary>The repository this build came from (assembly metadata set in Directory.Build.props), or the working directory.</summary>
    public static RepositoryFiles Locate()
    {
        var root = typeof(RepositoryFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "EdgeLabRepositoryRoot")?.Value;
        return new RepositoryFiles(root is not null && Directory.Exists(root) ? root : Directory.GetCurrentDirectory());
    }

    public IEnumerable<(string Name, byte[] Bytes)> Files(string directory, string pattern) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, pattern).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))
            : [];
}
