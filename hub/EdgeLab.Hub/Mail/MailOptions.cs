namespace EdgeLab.Hub.Mail;

/// <summary>How the SMTP server is reached (RFC 5321; STARTTLS RFC 3207).</summary>
internal enum SmtpSecurity
{
    /// <summary>Plain SMTP: a relay on the same host or a test server on loopback.</summary>
    None,
    /// <summary>STARTTLS is required: the connection fails rather than send in clear.</summary>
    StartTls,
}

/// <summary>
/// The hub's SMTP settings (<c>edgelab-hub run --smtp-host …</c>, <see cref="MailCommandLine"/>). Without
/// <see cref="Host"/> mail is still queued (nothing is lost) and sent once a node with SMTP settings runs the sweep.
/// The password is read from <see cref="PasswordFile"/> when connecting: it never appears in the process list.
/// </summary>
internal sealed record MailOptions
{
    public string? Host { get; init; }
    public int Port { get; init; } = 25;
    public SmtpSecurity Security { get; init; } = SmtpSecurity.StartTls;
    public string? UserName { get; init; }
    public string? PasswordFile { get; init; }
    public string From { get; init; } = "EdgeLab <no-reply@edgelab.invalid>";

    /// <summary>The hub's address as patients reach it, for links in mails (e.g. <c>https://lab.region.ru</c>).</summary>
    public string PublicUrl { get; init; } = "http://127.0.0.1:5080";

    /// <summary>First retry after a transient failure; each further one waits twice as long, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often the sweep looks for due mail besides being woken by a new one.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>One SMTP conversation may take this long (connect, send, quit).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public bool CanSend => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The wait before attempt <paramref name="attempts"/> + 1: 30 s, 1 min, 2 min … capped.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var wait = TimeSpan.FromTicks((long)Math.Min(FirstBackoff.Ticks * factor, MaxBackoff.Ticks));
        return wait < FirstBackoff ? FirstBackoff : wait;
    }
}
