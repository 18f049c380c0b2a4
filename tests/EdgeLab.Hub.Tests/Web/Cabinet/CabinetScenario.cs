using System.Text.RegularExpressions;
using EdgeLab.Contract;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.Hub.Web.Documents;

namespace EdgeLab.Hub.Tests.Web.Cabinet;

/// <summary>
/// A patient with a referral, a slip code (as the printed slip issues one) and results released by the lab, on a
/// <see cref="WebTestHost"/>; and the two steps of the cabinet's access form as a browser posts them.
/// </summary>
internal static partial class CabinetScenario
{
    public const string IvanovaBirthDate = "14.03.1980";
    public const string SidorovBirthDate = "02.07.1955";

    public sealed record Slip(RegisteredReferral Registered, string Code)
    {
        public string ReportId => $"{Registered.Referral.Id}-{TestHub.Lab}";
        public string Specimen(string test) => Registered.Specimens.First(s => s.TestCodes.Contains(test)).Id;
    }

    /// <summary>Registers <paramref name="tests"/> for the patient and issues a slip code valid for 180 days from the hub's clock.</summary>
    public static async Task<Slip> RegisterAsync(WebTestHost host, TimeProvider time, IReadOnlyList<string> tests, PatientInput? patient = null)
    {
        var registered = await host.Hub.RegisterAsync(tests, patient);
        var code = CabinetAccessCode.Generate();
        await host.Hub.Store.SetReferralAccessCodeAsync(registered.Referral.Id, CabinetAccessCode.Hash(code), time.GetUtcNow() + CabinetAccessCode.Lifetime, "test");
        return new Slip(registered, code);
    }

    /// <summary>A blood count for the slip's EDTA tube, released by a lab doctor where the rules held it.</summary>
    public static async Task AddCbcAsync(WebTestHost host, Slip slip, long sequence, string hgb = "13.5", DateTimeOffset? at = null, bool release = true)
    {
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(sequence, slip.Specimen("HGB"), hgb: hgb, completed: at))]);
        if (release) await host.Hub.ReleaseHeldAsync();
    }

    /// <summary>An HIV-1 viral load (a test marked sensitive in the catalog) for the slip's plasma tube, released by the lab.</summary>
    public static async Task AddHivAsync(WebTestHost host, Slip slip, long sequence)
    {
        var message = Messages.Cbc(sequence, slip.Specimen("HIV1-VL")) with
        {
            InstrumentId = "genexpert-1",
            Profile = "generic-hl7",
            Protocol = "hl7",
            Results = [new ResultItem { Code = "HIV1VL", Value = "1200", Units = "{copies}/mL", Status = "F", CompletedAt = Messages.At }],
        };
        await host.Hub.Writer.WriteAsync([Messages.Envelope(message)]);
        await host.Hub.ReleaseHeldAsync();
    }

    /// <summary>Step 1: the code form; returns the page that answers it (initials, lab, expiry and the birth date form).</summary>
    public static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, string code)
    {
        var page = await client.GetStringAsync(new Uri("/cabinet", UriKind.Relative));
        return await WebTestHost.PostFormAsync(client, "/cabinet", page, "code", new() { ["Code.Code"] = code });
    }

    /// <summary>Step 2: the birth date form of the page step 1 answered.</summary>
    public static async Task<HttpResponseMessage> PostBirthDateAsync(HttpClient client, string code, string birthDate)
    {
        var step1 = await PostCodeAsync(client, code);
        var page = await step1.Content.ReadAsStringAsync();
        return await WebTestHost.PostFormAsync(client, "/cabinet", page, "birth", new() { ["Birth.Code"] = code, ["Birth.BirthDate"] = birthDate });
    }

    /// <summary>Both steps, asserting the redirect to the results.</summary>
    public static async Task SignInAsync(HttpClient client, string code, string birthDate)
    {
        var response = await PostBirthDateAsync(client, code, birthDate);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Redirect, $"{(int)response.StatusCode}: {Text(await response.Content.ReadAsStringAsync())}");
        Assert.EndsWith("/cabinet/results", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    /// <summary>The page's text without tags, for assertions on what a reader sees.</summary>
    public static string Text(string html) => Spaces().Replace(Tags().Replace(System.Net.WebUtility.HtmlDecode(html), " "), " ");

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
