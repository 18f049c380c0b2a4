using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.Instruments.Dialect;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.LocalStatus;

/// <summary>
/// The local status page served by the real gateway (in-process <see cref="Hosting.GatewayApp"/>, a socat pty analyzer
/// fed by the simulator, real HTTP): localized by Accept-Language with English as the fallback, read-only, no patient
/// data anywhere, and the structure WCAG 2.1 AA asks for (checked here like axe's rules: lang, landmarks, table
/// headers, state in words, contrast of every colour pair in the style sheet).
/// </summary>
public sealed partial class StatusPageTests
{
    private static async Task<(GatewayUnderTest Gateway, SocatPtyPair Cable, HttpClient Http)> StartAsync()
    {
        var cable = await SocatPtyPair.StartAsync();
        var gw = await GatewayUnderTest.StartWithoutBrokerAsync(FreeTcpPort.Next(), configure: c => c with
        {
            ProfilesDirectory = ProfileCatalog.FindDefaultDirectory(),
            Instruments = [new InstrumentConfig { Id = "xn-1", Profile = "sysmex-xn", Transport = new TransportConfig { Type = TransportConfig.Serial, Path = cable.GatewayEnd } }],
            StatusPage = new StatusPageConfig { Address = "127.0.0.1", Port = 0 },
        });
        var http = new HttpClient { BaseAddress = new Uri($"http://{gw.App.StatusEndpoint.PageEndPoint}/") };
        return (gw, cable, http);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string? acceptLanguage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptLanguage is not null) request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task The_page_speaks_the_technicians_language_and_shows_no_patient_data()
    {
        var (gw, cable, http) = await StartAsync();
        await using var _ = gw;
        await using var __ = cable;
        using var ___ = http;
        await Eventually.TrueAsync(() => gw.App.Runtime.IsUp("xn-1"), "the serial link is up");

        var capture = SyntheticCapture.Write(Path.GetDirectoryName(gw.ConfigPath)!);
        await using (var simulator = EdgeLabComponents.Start(EdgeLabComponents.Simulator, ["replay", "--serial", cable.InstrumentEnd, capture], name: "simulator-replay"))
        {
            Assert.True(await simulator.WaitForExitAsync(TimeSpan.FromSeconds(90)), simulator.Output);
            Assert.True(simulator.ExitCode == 0, simulator.Output);
        }
        Assert.Equal(1, gw.App.LocalStatus.Build().Instruments.Single().MessagesToday);

        using var ru = await GetAsync(http, "/", "ru-RU,ru;q=0.9,en-US;q=0.8");
        var ruHtml = await ru.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, ru.StatusCode);
        Assert.Equal("ru", Assert.Single(ru.Content.Headers.ContentLanguage));
        Assert.Contains("<html lang=\"ru\">", ruHtml, StringComparison.Ordinal);
        Assert.Contains("Приборы", ruHtml, StringComparison.Ordinal);
        Assert.Contains("подключён", ruHtml, StringComparison.Ordinal);
        Assert.Contains("(результаты)", ruHtml, StringComparison.Ordinal);
        Assert.Contains("Нет связи с сервером", ruHtml, StringComparison.Ordinal); // no broker runs

        using var en = await GetAsync(http, "/", "en-GB,en;q=0.9");
        var enHtml = await en.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"en\">", enHtml, StringComparison.Ordinal);
        Assert.Contains("Instruments", enHtml, StringComparison.Ordinal);
        Assert.Contains("(results)", enHtml, StringComparison.Ordinal);
        Assert.Contains("Not connected to the hub", enHtml, StringComparison.Ordinal);

        // A language the page does not have falls back to English; ?lang= overrides the browser.
        using var de = await GetAsync(http, "/", "de-DE,de;q=0.9");
        Assert.Contains("<html lang=\"en\">", await de.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var forced = await GetAsync(http, "/?lang=ru", "en-US");
        Assert.Contains("<html lang=\"ru\">", await forced.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var json = await GetAsync(http, "/status.json", null);
        var jsonText = await json.Content.ReadAsStringAsync();
        Assert.Contains("\"messagesToday\": 1", jsonText, StringComparison.Ordinal);
        foreach (var secret in SyntheticCapture.Secrets)
        {
            Assert.DoesNotContain(secret, ruHtml, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, enHtml, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, jsonText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_page_is_read_only_and_never_framed_cached_or_refreshed_by_reload()
    {
        var (gw, cable, http) = await StartAsync();
        await using var _ = gw;
        await using var __ = cable;
        using var ___ = http;

        using var post = await http.PostAsync("/", new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        using var missing = await GetAsync(http, "/admin", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var page = await GetAsync(http, "/", null);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        Assert.Contains("frame-ancestors 'none'", string.Join(' ', page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        // A meta refresh reloads the page and throws keyboard focus back to the top (WCAG 2.2.1 / 2.4.3): the script
        // updates in place instead.
        Assert.DoesNotContain("http-equiv=\"refresh\"", html, StringComparison.OrdinalIgnoreCase);
        using var script = await GetAsync(http, "/status.js", null);
        var js = await script.Content.ReadAsStringAsync();
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("activeElement", js, StringComparison.Ordinal);
        Assert.Contains("aria-pressed", js, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ru")]
    public async Task The_page_has_what_wcag_2_1_aa_asks_for(string lang)
    {
        var (gw, cable, http) = await StartAsync();
        await using var _ = gw;
        await using var __ = cable;
        using var ___ = http;
        await Eventually.TrueAsync(() => gw.App.Runtime.IsUp("xn-1"), "the serial link is up");
        using var response = await GetAsync(http, "/?lang=" + lang, null);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains($"<html lang=\"{lang}\">", html, StringComparison.Ordinal);                     // 3.1.1
        Assert.Matches("<title>[^<]+</title>", html);                                                    // 2.4.2
        foreach (var landmark in new[] { "<header>", "<nav aria-label=", "<main id=\"main\">", "<footer>" }) // 1.3.1, 2.4.1
            Assert.Contains(landmark, html, StringComparison.Ordinal);
        Assert.Contains("class=\"skip\" href=\"#instruments\"", html, StringComparison.Ordinal);         // 2.4.1
        Assert.Matches("hreflang=\"(ru|en)\" lang=\"(ru|en)\"", html);                                   // 3.1.2
        Assert.Contains("<caption>", html, StringComparison.Ordinal);                                   // 1.3.1
        Assert.Equal(5, Regex.Count(html, "<th scope=\"col\">"));
        Assert.Contains("<th scope=\"row\">xn-1", html, StringComparison.Ordinal);
        Assert.Contains("role=\"status\"", html, StringComparison.Ordinal);                             // 4.1.3
        Assert.Matches("<button type=\"button\" id=\"pause\" aria-pressed=\"false\" hidden>[^<]+</button>", html); // 2.2.2, 4.1.2
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        // 1.4.1: every state badge carries a word after its symbol, not colour alone.
        foreach (Match m in StateBadge().Matches(html)) Assert.Matches(@"\p{L}{3,}", m.Groups["text"].Value);
        Assert.NotEmpty(StateBadge().Matches(html));
        // 1.4.3: each text colour against its background, and the body text, at least 4.5:1 (we aim for 7:1).
        var pairs = ColourPair().Matches(html);
        Assert.NotEmpty(pairs);
        foreach (Match m in pairs)
        {
            var ratio = Contrast(m.Groups["fg"].Value, m.Groups["bg"].Value);
            Assert.True(ratio >= 7.0, $"{m.Value}: contrast {ratio:0.0}:1");
        }
        Assert.Contains(":focus-visible{outline:3px solid", html, StringComparison.Ordinal);             // 2.4.7
    }

    [GeneratedRegex("<span class=\"state [a-z]+\">(?<text>[^<]+)</span>")]
    private static partial Regex StateBadge();

    [GeneratedRegex("color:#(?<fg>[0-9a-f]{6});background:#(?<bg>[0-9a-f]{6})")]
    private static partial Regex ColourPair();

    /// <summary>WCAG 2.1 contrast ratio (relative luminance, §1.4.3 definitions).</summary>
    private static double Contrast(string fg, string bg)
    {
        static double Luminance(string hex)
        {
            double Channel(int i)
            {
                var c = int.Parse(hex.AsSpan(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
                return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
            }
            return 0.2126 * Channel(0) + 0.7152 * Channel(2) + 0.0722 * Channel(4);
        }
        var (a, b) = (Luminance(fg), Luminance(bg));
        return (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);
    }
}
