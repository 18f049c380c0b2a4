using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using EdgeLab.Hub.Mail;
using EdgeLab.Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Tests.Web.Cabinet;

/// <summary>
/// A cabinet host whose mail goes to a real SMTP server (<see cref="SmtpTestServer"/>), with every log line kept
/// (to show that no address, code or patient data reaches the log), and the e-mail pages' forms as a browser posts them.
/// </summary>
internal static partial class CabinetEmailScenario
{
    public const string Address = "ivanova.test@example.org";
    public const string PublicUrl = "https://lab.example.test";

    public static MailOptions Options(int port) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Security = SmtpSecurity.None,
        From = "EdgeLab <no-reply@lab.example.test>",
        PublicUrl = PublicUrl,
        Timeout = TimeSpan.FromSeconds(10),
    };

    public static Task<WebTestHost> StartAsync(string provider, TimeProvider time, int smtpPort, LogLines log) =>
        WebTestHost.StartAsync(provider, time, services =>
        {
            services.AddSingleton(Options(smtpPort));
            services.AddSingleton<ILoggerProvider>(log);
        });

    /// <summary>Posts the add-address form of /cabinet/email; returns the page that asks for the code.</summary>
    public static async Task<HttpResponseMessage> AddAddressAsync(HttpClient client, string address = Address)
    {
        var page = await client.GetStringAsync(new Uri("/cabinet/email", UriKind.Relative));
        return await WebTestHost.PostFormAsync(client, "/cabinet/email", page, "email-add", new() { ["Add.Address"] = address });
    }

    public static async Task<HttpResponseMessage> ConfirmAsync(HttpClient client, string codePage, string code) =>
        await WebTestHost.PostFormAsync(client, "/cabinet/email", codePage, "email-confirm", new() { ["Confirm.Challenge"] = Challenge(codePage, "Confirm"), ["Confirm.Code"] = code });

    /// <summary>Adds and confirms the address with the code from the mail; <paramref name="mailsBefore"/> mails arrived earlier.</summary>
    public static async Task LinkAsync(HttpClient client, SmtpTestServer smtp, int mailsBefore = 0)
    {
        var asked = await AddAddressAsync(client);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var code = await smtp.CodeAsync(Address, mailsBefore + 1);
        var linked = await ConfirmAsync(client, await asked.Content.ReadAsStringAsync(), code);
        Assert.Contains("Адрес подтверждён", CabinetScenario.Text(await linked.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    public static async Task<HttpResponseMessage> ConsentAsync(HttpClient client, bool give)
    {
        var page = await client.GetStringAsync(new Uri("/cabinet/email", UriKind.Relative));
        return await WebTestHost.PostFormAsync(client, "/cabinet/email", page, "consent", new() { ["Consent.Give"] = give ? "yes" : "no" });
    }

    /// <summary>Step 1 of the e-mail sign-in; returns the page asking for the code.</summary>
    public static async Task<HttpResponseMessage> RequestSignInAsync(HttpClient client, string address = Address)
    {
        var page = await client.GetStringAsync(new Uri("/cabinet/email-signin", UriKind.Relative));
        return await WebTestHost.PostFormAsync(client, "/cabinet/email-signin", page, "email-request", new() { ["Request.Address"] = address });
    }

    public static Task<HttpResponseMessage> SignInCodeAsync(HttpClient client, string codePage, string code) =>
        WebTestHost.PostFormAsync(client, "/cabinet/email-signin", codePage, "email-code", new() { ["Code.Challenge"] = Challenge(codePage, "Code"), ["Code.Code"] = code });

    public static string Challenge(string page, string model) =>
        Regex.Match(page, $"<input[^>]*name=\"{model}.Challenge\"[^>]*>") is { Success: true } input && Regex.Match(input.Value, "value=\"([0-9a-f]+)\"") is { Success: true } m
            ? m.Groups[1].Value
            : throw new InvalidOperationException($"the page has no code challenge: {CabinetScenario.Text(page)}");

    /// <summary>Another 6-digit code than <paramref name="code"/>.</summary>
    public static string Wrong(string code) => ((int.Parse(code, CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>Every log line the host wrote, formatted as a console would print it.</summary>
    internal sealed class LogLines : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Sink(this, categoryName);

        public void Dispose() { }

        private sealed class Sink(LogLines owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}
