using System.Net.Sockets;
using EdgeLab.Hub.Store.Mail;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace EdgeLab.Hub.Mail;

/// <summary>What one send attempt came to.</summary>
internal enum MailSendOutcome
{
    Sent,
    /// <summary>Server unreachable, timed out, 4xx (RFC 5321 §4.2.1: "transient negative completion"): try again later.</summary>
    Transient,
    /// <summary>5xx for this mail (no such mailbox, rejected): trying again would get the same answer.</summary>
    Permanent,
}

/// <summary>
/// Sends one outbox mail over SMTP with MailKit: a connection per sweep round, plain text UTF-8 body, STARTTLS when
/// configured. The failure text it returns (for the outbox row and the log) names the class and the SMTP reply code
/// and never the server's free text, which often echoes the recipient's address.
/// </summary>
internal sealed class SmtpMailSender(MailOptions options) : IAsyncDisposable
{
    private SmtpClient? _client;

    public async Task<(MailSendOutcome Outcome, string? Failure)> SendAsync(OutboxMail mail, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            var client = await ConnectedAsync(timeout.Token).ConfigureAwait(false);
            await client.SendAsync(ToMime(mail), timeout.Token).ConfigureAwait(false);
            return (MailSendOutcome.Sent, null);
        }
        catch (SmtpCommandException ex)
        {
            // RFC 5321 §4.2.1: 5yz is permanent for this transaction; but a 5xx to the sender or to authentication is
            // the server's configuration (or ours), not this mail's: keep retrying those so the mail is sent once fixed.
            var permanent = (int)ex.StatusCode >= 500 && ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted;
            await DropAsync().ConfigureAwait(false);
            return (permanent ? MailSendOutcome.Permanent : MailSendOutcome.Transient, $"SMTP {(int)ex.StatusCode} ({ex.ErrorCode})");
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or AuthenticationException
            or SslHandshakeException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await DropAsync().ConfigureAwait(false);
            return (MailSendOutcome.Transient, ex is OperationCanceledException ? "timed out" : ex.GetType().Name);
        }
    }

    /// <summary>Ends the round's SMTP session politely (QUIT).</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true } client)
        {
            try
            {
                await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or OperationCanceledException)
            {
                // The mails are sent and marked; a QUIT that fails changes nothing.
            }
        }
        await DropAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await DropAsync().ConfigureAwait(false);

    private async Task<SmtpClient> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true } connected) return connected;
        await DropAsync().ConfigureAwait(false);
        var client = new SmtpClient();
        _client = client;
        await client.ConnectAsync(options.Host!, options.Port,
            options.Security == SmtpSecurity.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken).ConfigureAwait(false);
        if (options.UserName is { Length: > 0 } user)
        {
            var password = options.PasswordFile is { } file ? (await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n') : "";
            await client.AuthenticateAsync(user, password, cancellationToken).ConfigureAwait(false);
        }
        return client;
    }

    private Task DropAsync()
    {
        _client?.Dispose();
        _client = null;
        return Task.CompletedTask;
    }

    private MimeMessage ToMime(OutboxMail mail)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(MailboxAddress.Parse(mail.Recipient));
        message.Subject = mail.Subject;
        // One Message-ID per outbox row: a retry after a lost reply sends the same id, so a mail client shows one mail.
        message.MessageId = $"edgelab-mail-{mail.Id}@{DomainOf(options.From)}";
        message.Body = new TextPart("plain") { Text = mail.BodyText };
        return message;
    }

    private static string DomainOf(string from)
    {
        var address = MailboxAddress.Parse(from).Address;
        return address[(address.LastIndexOf('@') + 1)..];
    }
}
