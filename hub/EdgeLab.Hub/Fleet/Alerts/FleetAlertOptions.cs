using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeLab.Hub.Mail;

namespace EdgeLab.Hub.Fleet.Alerts;

/// <summary>
/// Thresholds of the fleet alerts (issue 12 §6) and where they go. Read from the JSON file named by
/// <c>run --fleet-alerts FILE</c> (README "Fleet console and alerts"); every field is optional and defaults below.
/// </summary>
internal sealed record FleetAlertOptions
{
    /// <summary>Offline (Will or an offline status) longer than this.</summary>
    public TimeSpan Offline { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>The oldest result the hub has not acknowledged is older than this.</summary>
    public TimeSpan OutboxStale { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>An analyzer's link down longer than this.</summary>
    public TimeSpan InstrumentDown { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>The client certificate expires within this.</summary>
    public TimeSpan CertificateExpiring { get; init; } = TimeSpan.FromDays(14);
    /// <summary>Flapping: at least this many offline changes …</summary>
    public int FlappingChanges { get; init; } = 4;
    /// <summary>… within this window.</summary>
    public TimeSpan FlappingWindow { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>How often the sweep evaluates the fleet (a status comes every 30 s; a minute-scale threshold needs no more).</summary>
    public TimeSpan EvaluateEvery { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Where the webhook channel POSTs raises and clears; none when null.</summary>
    public Uri? WebhookUrl { get; init; }
    /// <summary>The shared secret the webhook's HMAC-SHA256 signature is made with; unsigned when null.</summary>
    public byte[]? WebhookSecret { get; init; }
    /// <summary>Who gets each raise and clear by e-mail (regional IT's duty mailbox); none when empty.</summary>
    public IReadOnlyList<string> EmailTo { get; init; } = [];

    /// <summary>Reads the file; an error names the field and the fix.</summary>
    public static FleetAlertOptions Load(string path)
    {
        FleetAlertFile file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(path), FleetAlertFileJson.Default.FleetAlertFile)
                ?? throw new ArgumentException($"{path}: the file is empty; write a JSON object, e.g. {{\"offlineMinutes\": 10}}");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}: not valid JSON ({e.Message}); see README \"Fleet console and alerts\"", e);
        }
        var o = new FleetAlertOptions();
        Uri? url = null;
        if (file.WebhookUrl is { } u && (!Uri.TryCreate(u, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
            throw new ArgumentException($"{path}: webhookUrl '{u}' is not an absolute http(s) URL");
        byte[]? secret = null;
        if (file.WebhookSecretFile is { } secretFile)
        {
            var full = Path.GetFullPath(secretFile, Path.GetDirectoryName(Path.GetFullPath(path))!);
            secret = System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(full).Trim());
            if (secret.Length < 16) throw new ArgumentException($"{path}: webhookSecretFile {full} holds fewer than 16 bytes; use a long random secret");
        }
        var emailTo = new List<string>();
        foreach (var address in file.EmailTo ?? [])
            emailTo.Add(MailAddress.TryNormalize(address) ?? throw new ArgumentException($"{path}: emailTo '{address}' is not one e-mail address (write \"it@region.example\")"));
        return o with
        {
            EmailTo = emailTo,
            Offline = Minutes(file.OfflineMinutes, o.Offline, "offlineMinutes", path),
            OutboxStale = Minutes(file.OutboxStaleMinutes, o.OutboxStale, "outboxStaleMinutes", path),
            InstrumentDown = Minutes(file.InstrumentDownMinutes, o.InstrumentDown, "instrumentDownMinutes", path),
            CertificateExpiring = file.CertificateExpiringDays is { } d ? Positive(TimeSpan.FromDays(d), "certificateExpiringDays", path) : o.CertificateExpiring,
            FlappingChanges = file.FlappingChanges is { } k ? (k >= 2 ? k : throw new ArgumentException($"{path}: flappingChanges must be 2 or more")) : o.FlappingChanges,
            FlappingWindow = Minutes(file.FlappingWindowMinutes, o.FlappingWindow, "flappingWindowMinutes", path),
            WebhookUrl = url,
            WebhookSecret = secret,
        };
    }

    private static TimeSpan Minutes(double? value, TimeSpan fallback, string name, string path) =>
        value is { } m ? Positive(TimeSpan.FromMinutes(m), name, path) : fallback;

    private static TimeSpan Positive(TimeSpan t, string name, string path) =>
        t > TimeSpan.Zero ? t : throw new ArgumentException($"{path}: {name} must be greater than 0");
}

internal sealed record FleetAlertFile
{
    public double? OfflineMinutes { get; init; }
    public double? OutboxStaleMinutes { get; init; }
    public double? InstrumentDownMinutes { get; init; }
    public double? CertificateExpiringDays { get; init; }
    public int? FlappingChanges { get; init; }
    public double? FlappingWindowMinutes { get; init; }
    public string? WebhookUrl { get; init; }
    public string? WebhookSecretFile { get; init; }
    public IReadOnlyList<string>? EmailTo { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(FleetAlertFile))]
internal sealed partial class FleetAlertFileJson : JsonSerializerContext;
