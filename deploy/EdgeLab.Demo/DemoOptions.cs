namespace EdgeLab.Demo;

internal sealed record DemoOptions
{
    /// <summary>Exit 0 as soon as the first result is visible through the FHIR API.</summary>
    public bool Once { get; init; }
    /// <summary>How long <see cref="Once"/> waits for the first result before failing.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
    public required string RepositoryRoot { get; init; }
    /// <summary>Where the hub's and gateway's data go; a fresh temp folder when null.</summary>
    public string? DataDirectory { get; init; }
}
