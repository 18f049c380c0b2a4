using System.Net;
using Dapper;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Hub.Tests.Ingest;

/// <summary>Critical-value webhooks over real HTTP: retried with backoff until the organization answers 2xx.</summary>
public sealed class NotificationDeliveryTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Webhook_is_retried_with_backoff_until_it_answers_2xx(string provider)
    {
        var port = FreeTcpPort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var answers = new Queue<int>([500, 200]);
        var bodies = new List<string>();
        var server = Task.Run(async () =>
        {
            while (answers.Count > 0)
            {
                var ctx = await listener.GetContextAsync();
                using (var reader = new StreamReader(ctx.Request.InputStream)) bodies.Add(await reader.ReadToEndAsync());
                ctx.Response.StatusCode = answers.Dequeue();
                ctx.Response.Close();
            }
        });

        await using var hub = await TestHub.CreateAsync(provider);
        await hub.Store.UpsertOrganizationAsync(new Organization { Id = TestHub.Clinic, Name = "Clinic One", Kind = OrganizationKind.Clinic, WebhookUrl = $"http://127.0.0.1:{port}/hook/" });
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single();
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, specimen.Id, hgb: "5.0"))]);
        await hub.ReleaseHeldCriticalAsync();

        await using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var delivery = new NotificationDelivery(hub.Database, services.GetRequiredService<IHttpClientFactory>(), hub.Time, NullLogger<NotificationDelivery>.Instance);

        Assert.Equal(0, await delivery.DeliverDueAsync(CancellationToken.None)); // 500
        Assert.Equal(0, await delivery.DeliverDueAsync(CancellationToken.None)); // not due yet: backoff
        hub.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await delivery.DeliverDueAsync(CancellationToken.None)); // 200
        await server.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, bodies.Count);
        Assert.Contains("\"interpretation\":\"LL\"", bodies[1], StringComparison.Ordinal);
        Assert.DoesNotContain("Иванова", bodies[1], StringComparison.Ordinal); // ids and codes only, no names
        await using var c = await hub.Database.OpenAsync();
        var (attempts, delivered) = await c.QuerySingleAsync<(long, long?)>("SELECT attempts, delivered_at FROM critical_notification");
        Assert.Equal(2, attempts);
        Assert.NotNull(delivered);
        Assert.Equal(0, await delivery.DeliverDueAsync(CancellationToken.None));
    }
}
