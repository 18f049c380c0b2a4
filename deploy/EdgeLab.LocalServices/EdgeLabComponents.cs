namespace EdgeLab.LocalServices;

/// <summary>
/// Finds the built EdgeLab executables (gateway, hub, simulator) so the demo, the end-to-end tests and the
/// benchmarks start the real processes. Works for the artifacts layout (<c>$EDGELAB_ARTIFACTS/bin/{Project}/debug/</c>,
/// used by deploy/*.sh and CI) and for the default layout (<c>{project}/bin/Debug/net10.0/</c>).
/// </summary>
public static class EdgeLabComponents
{
    public static readonly Component Gateway = new("EdgeLab.Gateway", "gateway/EdgeLab.Gateway", "edgelab-gateway");
    public static readonly Component Hub = new("EdgeLab.Hub", "hub/EdgeLab.Hub", "edgelab-hub");
    public static readonly Component Simulator = new("EdgeLab.Simulator", "gateway/EdgeLab.Simulator", "edgelab-simulator");
    public static readonly Component Demo = new("EdgeLab.Demo", "deploy/EdgeLab.Demo", "edgelab-demo");

    public sealed record Component(string ProjectName, string ProjectDirectory, string AssemblyName);

    /// <summary>The repository root (the folder holding EdgeLab.sln), found upwards from the running assembly or the current directory.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "EdgeLab.sln"))) return dir.FullName;
        }
        var built = typeof(EdgeLabComponents).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "EdgeLabRepositoryRoot")?.Value;
        if (built is not null && File.Exists(Path.Combine(built, "EdgeLab.sln"))) return Path.GetFullPath(built);
        var env = Environment.GetEnvironmentVariable("EDGELAB_REPO");
        if (env is not null && File.Exists(Path.Combine(env, "EdgeLab.sln"))) return env;
        throw new InvalidOperationException("cannot find the EdgeLab repository (EdgeLab.sln) above " + AppContext.BaseDirectory + "; set EDGELAB_REPO");
    }

    /// <summary>Path of the component's built .dll (run it with <c>dotnet PATH</c>).</summary>
    public static string Locate(Component component)
    {
        var tried = new List<string>();
        foreach (var candidate in Candidates(component))
        {
            tried.Add(candidate);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(
            $"{component.AssemblyName}.dll is not built; build the solution first (`dotnet build EdgeLab.sln`). Looked in: {string.Join(", ", tried)}");
    }

    private static IEnumerable<string> Candidates(Component c)
    {
        var file = c.AssemblyName + ".dll";
        // Beside us in an artifacts layout: <A>/bin/<OurProject>/<config>/ → <A>/bin/<Project>/<config>/.
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        if (here.Parent?.Parent is { Name: "bin" } binDir)
            yield return Path.Combine(binDir.FullName, c.ProjectName, here.Name, file);
        var artifacts = Environment.GetEnvironmentVariable("EDGELAB_ARTIFACTS");
        if (!string.IsNullOrEmpty(artifacts))
            yield return Path.Combine(artifacts, "bin", c.ProjectName, "debug", file);
        string? root = null;
        try
        {
            root = RepositoryRoot();
        }
        catch (InvalidOperationException)
        {
        }
        if (root is null) yield break;
        yield return Path.Combine(root, "artifacts", "bin", c.ProjectName, "debug", file);
        yield return Path.Combine(root, c.ProjectDirectory, "bin", "Debug", "net10.0", file);
        yield return Path.Combine(root, c.ProjectDirectory, "bin", "Release", "net10.0", file);
    }

    /// <summary>Starts a component as <c>dotnet {dll} {args}</c>.</summary>
    public static ChildProcess Start(Component component, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, string? name = null) =>
        ChildProcess.Start("dotnet", [Locate(component), .. arguments], workingDirectory, environment, name ?? component.AssemblyName);
}
