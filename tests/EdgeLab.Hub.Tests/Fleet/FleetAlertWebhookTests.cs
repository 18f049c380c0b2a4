using System.Net;
using System.Text;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Fleet.Alerts;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeLab.Hub.Tests.Fleet;

/// <summary>
/// Fleet alerts by webhook to a real loopback HTTP listener: the raise and the clear are each POSTed until a 2xx, with
/// backoff on the injected clock, the same Idempotency-Key on every retry, and an HMAC-SHA256 signature the receiver
/// can check with the shared secret.
/// </summary>
public sealed class FleetAlertWebhookTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private sealed record Received(string Body, string? Key, string? Signature);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Raise_and_clear_are_posted_signed_and_retried_until_accepted(string provider)
    {
        var port = FreeTcpPort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/alerts/");
        listener.Start();
        var answers = new Queue<int>([503, 200, 200]);
        var received = new List<Received>();
        var server = Task.Run(async () =>
        {
            while (answers.Count > 0)
            {
                var ctx = await listener.GetContextAsync();
                using (var reader = new StreamReader(ctx.Request.InputStream))
                    received.Add(new(await reader.ReadToEndAsync(), ctx.Request.Headers["Idempotency-Key"], ctx.Request.Headers[WebhookAlertChannel.SignatureHeader]));
                ctx.Response.StatusCode = answers.Dequeue();
                ctx.Response.Close();
            }
        });

        await using var hub = await TestHub.CreateAsync(provider);
        var secret = Encoding.UTF8.GetBytes("a-shared-secret-of-32-characters");
        var options = new FleetAlertOptions { WebhookUrl = new Uri($"http://127.0.0.1:{port}/alerts/"), WebhookSecret = secret };
        await using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var monitor = FleetAlertTests.Monitor(hub, [new WebhookAlertChannel(services.GetRequiredService<IHttpClientFactory>(), options, hub.Time)], options);
        var store = new FleetAlertStore(hub.Database, hub.Time);
        var t0 = hub.Time.GetUtcNow();
        await FleetAlertTests.StatusAsync(hub, new StatusMessage { GatewayId = TestHub.Gateway, Online = false, At = t0 });

        hub.Time.Advance(TimeSpan.FromMinutes(11));
        var alert = Assert.Single((await monitor.EvaluateAsync(CancellationToken.None)).Raised);
        Assert.Equal(0, await monitor.DeliverDueAsync(CancellationToken.None)); // 503
        Assert.Equal(0, await monitor.DeliverDueAsync(CancellationToken.None)); // not due: backoff 1 s
        hub.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await monitor.DeliverDueAsync(CancellationToken.None)); // 200
        Assert.Equal(0, await monitor.DeliverDueAsync(CancellationToken.None)); // delivered once

        await FleetAlertTests.StatusAsync(hub, new StatusMessage { GatewayId = TestHub.Gateway, Online = true, At = hub.Time.GetUtcNow() });
        Assert.Single((await monitor.EvaluateAsync(CancellationToken.None)).Cleared);
        Assert.Equal(1, await monitor.DeliverDueAsync(CancellationToken.None));
        await server.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, received.Count);
        Assert.Equal($"fleet-alert-{alert.Id}-raised", received[0].Key);
        Assert.Equal(received[0].Key, received[1].Key); // the retry carries the same key
        Assert.Equal($"fleet-alert-{alert.Id}-cleared", received[2].Key);
        using (var raised = JsonDocument.Parse(received[1].Body))
        {
            Assert.Equal("fleet-alert-raised", raised.RootElement.GetProperty("event").GetString());
            Assert.Equal(TestHub.Gateway, raised.RootElement.GetProperty("gatewayId").GetString());
            Assert.Equal("offline", raised.RootElement.GetProperty("kind").GetString());
        }
        Assert.Contains("\"event\":\"fleet-alert-cleared\"", received[2].Body, StringComparison.Ordinal);
        foreach (var r in received)
        {
            // The receiver's check: recompute the HMAC over "{t}.{body}" with the shared secret.
            var t = long.Parse(r.Signature!.Split(',')[0]["t=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(WebhookAlertChannel.Sign(secret, t, Encoding.UTF8.GetBytes(r.Body)), r.Signature);
            Assert.NotEqual(WebhookAlertChannel.Sign(Encoding.UTF8.GetBytes("another-secret-of-32-characters!"), t, Encoding.UTF8.GetBytes(r.Body)), r.Signature);
        }
        var deliveries = await store.DeliveriesOfAsync(alert.Id);
        Assert.Equal([("raised", 2L), ("cleared", 1L)], deliveries.Select(d => (d.Event, d.Attempts)));
        Assert.All(deliveries, d => Assert.NotNull(d.DeliveredAt));
    }
}
