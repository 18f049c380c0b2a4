using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Message.Lis2.Capture;

namespace EdgeLab.Instruments.Tests.CaptureDecode;

/// <summary>The repository's sample captures and profiles, as the tests see them.</summary>
internal static class Samples
{
    private static readonly Lazy<ProfileCatalog> LazyCatalog = new(() =>
        ProfileCatalog.Load(ProfileCatalog.FindDefaultDirectory() ?? throw new InvalidOperationException("firmware-config/instruments not found")));

    public static ProfileCatalog Catalog => LazyCatalog.Value;

    /// <summary>UTC keeps the expected times readable: 20200407151558 → 2020-04-07T15:15:58Z.</summary>
    public static TimeZoneInfo Zone => TimeZoneInfo.Utc;

    public static string AstmPath(string name) => Path.Combine(AppContext.BaseDirectory, "samples", "astm", name);

    public static string Hl7Path(string name) => Path.Combine(AppContext.BaseDirectory, "samples", "hl7", name);

    public static CaptureDecodeResult Decode(string sample, string profile) =>
        new CaptureDecoder(Catalog.Get(profile), Zone).DecodeFile(AstmPath(sample));

    public static DecodedMessage Single(string sample, string profile) => Assert.Single(Decode(sample, profile).Messages);

    public static DateTimeOffset Utc(int y, int mo, int d, int h, int mi, int s) => new(y, mo, d, h, mi, s, TimeSpan.Zero);
}
