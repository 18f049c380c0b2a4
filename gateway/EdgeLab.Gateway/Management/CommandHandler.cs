using System.Globalization;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Gateway.Uplink;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Management;

/// <summary>
/// The hub's commands on <c>…/cmd</c>: ping, restart, fetch-logs (no patient data; byte-capped, <see cref="LogTail"/>), resend from a sequence,
/// renew-certificate (<see cref="Uplink.Renewal.CertificateRenewal"/>), reboot (<see cref="RebootRunner"/>). The reply
/// goes to the request's Response Topic (default <c>…/cmd-reply</c>) with its Correlation Data (MQTT 5.0 §4.10).
/// </summary>
internal sealed class CommandHandler(GatewayRuntime runtime, OutboxStore outbox, LogRing logs, Action requestRestart, ILogger log)
{
    private readonly RebootRunner reboot = new(log);

    public const int DefaultLogLines = 200;

    /// <summary>The kept auto-detection results (redetect); null where the gateway runs without them.</summary>
    public Detection.DetectionStore? Detections { get; set; }

    /// <summary>Set once the dispatcher exists (resend).</summary>
    public OutboxDispatcher? Dispatcher { get; set; }

    /// <summary>Certificate renewal (renew-certificate); null without a client certificate.</summary>
    public Uplink.Renewal.CertificateRenewal? Renewal { get; set; }

    /// <summary>Why a reboot must wait (a new version on trial), or null.</summary>
    public Func<string?>? UpdateInProgress { get; set; }

    public void Handle(MqttReceivedMessage message, IMqttClient client, CancellationToken cancellationToken)
    {
        var gatewayId = runtime.Config.GatewayId;
        CommandReplyMessage reply;
        CommandMessage? command = null;
        try
        {
            command = JsonSerializer.Deserialize(message.Payload.Span, WireJson.Default.CommandMessage);
        }
        catch (JsonException ex)
        {
            reply = new CommandReplyMessage { GatewayId = gatewayId, Name = "?", Ok = false, Text = $"not a command document: {ex.Message}" };
            _ = Reply(message, reply, client, cancellationToken);
            return;
        }
        if (command is null || command.Schema != Schemas.Command)
        {
            reply = new CommandReplyMessage { GatewayId = gatewayId, Name = command?.Name ?? "?", Ok = false, Text = $"unknown schema \"{command?.Schema}\" (expected {Schemas.Command})" };
            _ = Reply(message, reply, client, cancellationToken);
            return;
        }
        reply = command.Name switch
        {
            CommandNames.Ping => Ok(command, "pong", new Dictionary<string, string>
            {
                ["version"] = GatewayRuntime.Version,
                ["uptimeSeconds"] = runtime.Uptime.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture),
                ["outboxDepth"] = outbox.PendingRows.ToString(CultureInfo.InvariantCulture),
                ["configVersion"] = runtime.Config.ConfigVersion.ToString(CultureInfo.InvariantCulture),
            }),
            CommandNames.FetchLogs => FetchLogs(command),
            CommandNames.Resend => Resend(command),
            CommandNames.Restart => Ok(command, "restarting", null),
            CommandNames.Redetect => Redetect(command),
            CommandNames.RenewCertificate => RenewCertificate(command),
            CommandNames.Reboot => Reboot(command),
            CommandNames.Update => Fail(command, "update is not supported by this build: install the new package and use restart"),
            _ => Fail(command, $"unknown command \"{command.Name}\" (known: ping, restart, fetch-logs, resend, redetect, renew-certificate, reboot)"),
        };
        var restart = command.Name == CommandNames.Restart || (command.Name == CommandNames.Redetect && reply.Ok);
        GatewayLog.CommandHandled(log, command.Name, reply.Ok ? "ok" : reply.Text ?? "failed");
        var replied = Reply(message, reply, client, cancellationToken);
        if (restart) requestRestart();
        if (command.Name == CommandNames.RenewCertificate && reply.Ok && Renewal is { } renewal)
            // Outside the broker's delivery to us: the request is a publish of its own; its outcome is an event.
            _ = Task.Run(() => renewal.RequestAsync("the hub's renew-certificate command"), CancellationToken.None);
        if (command.Name == CommandNames.Reboot && reply.Ok)
            _ = Task.Run(() => reboot.RunAfterReplyAsync(runtime.Config.Management.RebootCommand, replied), CancellationToken.None);
    }

    private CommandReplyMessage RenewCertificate(CommandMessage command) => Renewal is null
        ? Fail(command, "this gateway has no client certificate (mqtt.tls.cert/key) to renew")
        : Ok(command, "renewing: a new key is made and a certificate requested on …/cert-request; the outcome is a certificate-renewed or certificate-renewal-failed event",
            Renewal.Current is { } c ? new Dictionary<string, string> { ["currentSerial"] = c.SerialNumber, ["notAfter"] = c.NotAfter.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) } : null);

    private CommandReplyMessage Reboot(CommandMessage command)
    {
        if (UpdateInProgress?.Invoke() is { } why) return Fail(command, $"not rebooting now: {why}");
        var line = runtime.Config.Management.RebootCommand;
        return Ok(command, $"rebooting: '{line}' runs once this reply is sent", new Dictionary<string, string> { ["command"] = line });
    }

    private CommandReplyMessage FetchLogs(CommandMessage command)
    {
        var lines = DefaultLogLines;
        if (command.Args.TryGetValue("lines", out var l) && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out lines) || lines is < 1 or > 10_000))
            return Fail(command, $"args.lines: \"{l}\" is not 1..10000");
        var maxBytes = LogTail.DefaultMaxBytes;
        if (command.Args.TryGetValue("maxBytes", out var b)
            && (!int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out maxBytes) || maxBytes is < LogTail.MinMaxBytes or > LogTail.MaxMaxBytes))
            return Fail(command, $"args.maxBytes: \"{b}\" is not {LogTail.MinMaxBytes}..{LogTail.MaxMaxBytes}");
        var (tail, bytes, truncated) = LogTail.Cap(logs.Tail(lines), maxBytes);
        return Ok(command, string.Join('\n', tail), new Dictionary<string, string>
        {
            ["lines"] = tail.Count.ToString(CultureInfo.InvariantCulture),
            ["bytes"] = bytes.ToString(CultureInfo.InvariantCulture),
            ["truncated"] = truncated ? "true" : "false",
        });
    }

    /// <summary>Forgets what auto-detection kept for one instrument, then restarts: its pipeline listens again.</summary>
    private CommandReplyMessage Redetect(CommandMessage command)
    {
        if (!command.Args.TryGetValue("instrumentId", out var id) || runtime.Config.Instruments.All(i => i.Id != id))
            return Fail(command, $"args.instrumentId: required, one of the configured instruments ({string.Join(", ", runtime.Config.Instruments.Select(i => i.Id))})");
        if (Detections is not { } store) return Fail(command, "auto-detection results are not kept by this gateway");
        var had = store.Reset(id);
        return Ok(command, had ? $"{id}: detection result forgotten; restarting to detect again" : $"{id}: nothing was detected yet; restarting", null);
    }

    private CommandReplyMessage Resend(CommandMessage command)
    {
        if (!command.Args.TryGetValue("fromSequence", out var s) || !long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var from) || from < 1)
            return Fail(command, "args.fromSequence: required, a sequence ≥ 1");
        if (Dispatcher is not { } d) return Fail(command, "the uplink is not running");
        d.ResendFrom(from);
        return Ok(command, $"resending unacknowledged messages from sequence {from}", new Dictionary<string, string> { ["fromSequence"] = s });
    }

    private CommandReplyMessage Ok(CommandMessage c, string text, IReadOnlyDictionary<string, string>? data) =>
        new() { GatewayId = runtime.Config.GatewayId, Name = c.Name, Ok = true, Text = text, Data = data ?? new Dictionary<string, string>() };

    private CommandReplyMessage Fail(CommandMessage c, string text) =>
        new() { GatewayId = runtime.Config.GatewayId, Name = c.Name, Ok = false, Text = text };

    private Task Reply(MqttReceivedMessage request, CommandReplyMessage reply, IMqttClient client, CancellationToken cancellationToken)
    {
        var topic = string.IsNullOrEmpty(request.ResponseTopic) ? Topics.CommandReply(runtime.Config.GatewayId) : request.ResponseTopic;
        var message = new MqttApplicationMessage
        {
            Topic = topic,
            Payload = JsonSerializer.SerializeToUtf8Bytes(reply, WireJson.Default.CommandReplyMessage),
            QualityOfService = MqttQualityOfService.AtLeastOnce,
            ContentType = "application/json",
            CorrelationData = request.CorrelationData,
        };
        // Not awaited for the PUBACK inside the broker's delivery to us: the reply may wait for quota behind a drain.
        return PublishReplyAsync(client, message, cancellationToken);
    }

    private async Task PublishReplyAsync(IMqttClient client, MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            GatewayLog.InboundRejected(log, message.Topic, $"reply not delivered: {ex.GetType().Name}");
        }
    }
}
