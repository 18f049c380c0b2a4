using System.Text;

namespace EdgeLab.Instruments.Dialect;

/// <summary>The text encoding a profile names (<see cref="InstrumentProfile.Encoding"/>).</summary>
internal static class ProfileEncoding
{
    /// <summary>Names the gateway understands without code-page providers.</summary>
    public static readonly IReadOnlyList<string> Known = ["latin1", "iso-8859-1", "ascii", "us-ascii", "utf-8", "utf8"];

    public static Encoding Get(InstrumentProfile profile) => TryGet(profile.Encoding)
        ?? throw new InvalidOperationException($"profile {profile.Name}: unknown encoding '{profile.Encoding}'");

    public static Encoding? TryGet(string name) => name.ToLowerInvariant() switch
    {
        "latin1" or "iso-8859-1" => Encoding.Latin1,
        // ASCII instruments sometimes send 8-bit bytes; Latin-1 keeps every byte as one char instead of '?'.
        "ascii" or "us-ascii" => Encoding.Latin1,
        "utf-8" or "utf8" => Encoding.UTF8,
        _ => null,
    };
}
