using System.CommandLine;

namespace EdgeLab.Hub.Mail;

/// <summary>The <c>edgelab-hub run</c> options for e-mail (<see cref="MailOptions"/>).</summary>
internal static class MailCommandLine
{
    public static readonly Option<string?> SmtpHost = new("--smtp-host") { Description = "SMTP server for e-mail (patient codes, \"results ready\", alerts); without it mail is queued, not sent" };
    public static readonly Option<int> SmtpPort = new("--smtp-port") { Description = "SMTP port (587 submission with STARTTLS, 25 relay)", DefaultValueFactory = _ => 587 };
    public static readonly Option<string> SmtpSecurityOption = new("--smtp-security") { Description = "starttls (required, the default) or none (a relay on this host)", DefaultValueFactory = _ => "starttls" };
    public static readonly Option<string?> SmtpUser = new("--smtp-user") { Description = "SMTP user name (AUTH); needs --smtp-password-file" };
    public static readonly Option<string?> SmtpPasswordFile = new("--smtp-password-file") { Description = "File holding the SMTP password (one line; keeps it out of the process list)" };
    public static readonly Option<string> MailFrom = new("--mail-from") { Description = "Sender of the hub's mail, e.g. 'Лаборатория <no-reply@lab.region.ru>'", DefaultValueFactory = _ => new MailOptions().From };
    public static readonly Option<string?> PublicUrl = new("--public-url") { Description = "The hub's address as patients reach it, for links in mails (e.g. https://lab.region.ru)" };

    static MailCommandLine() => SmtpSecurityOption.AcceptOnlyFromAmong("starttls", "none");

    public static IEnumerable<Option> All => [SmtpHost, SmtpPort, SmtpSecurityOption, SmtpUser, SmtpPasswordFile, MailFrom, PublicUrl];

    public static MailOptions Options(ParseResult result, string listenUrls)
    {
        var from = result.GetValue(MailFrom)!;
        if (!MimeKit.MailboxAddress.TryParse(from, out _)) throw new ArgumentException($"--mail-from '{from}' is not an e-mail address");
        var user = result.GetValue(SmtpUser);
        var passwordFile = result.GetValue(SmtpPasswordFile);
        if (user is not null && passwordFile is null) throw new ArgumentException("--smtp-user needs --smtp-password-file (the password is read from a file)");
        if (passwordFile is not null && !File.Exists(passwordFile)) throw new ArgumentException($"--smtp-password-file '{passwordFile}' does not exist");
        var port = result.GetValue(SmtpPort);
        if (port is < 1 or > 65535) throw new ArgumentException($"--smtp-port {port} is not a port (1–65535)");
        return new MailOptions
        {
            Host = result.GetValue(SmtpHost),
            Port = port,
            Security = result.GetValue(SmtpSecurityOption) == "none" ? SmtpSecurity.None : SmtpSecurity.StartTls,
            UserName = user,
            PasswordFile = passwordFile,
            From = from,
            PublicUrl = (result.GetValue(PublicUrl) ?? listenUrls.Split(';')[0]).TrimEnd('/'),
        };
    }
}
