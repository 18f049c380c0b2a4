using System.Globalization;
using System.Text;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;

namespace EdgeLab.Hub.Tests.Broker;

/// <summary>
/// Issue 9 items 2 and 5, the broker side: no anonymous clients, a gateway confined to its own subtree, and
/// <c>gateways disable|revoke</c> shutting a gateway out of a real Mosquitto at once.
/// </summary>
public sealed class GatewayTrustTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private static MqttClientOptions Client(MosquittoProcess broker, string clientId, MqttCredentials? credentials) => new()
    {
        Host = broker.Host,
        Port = broker.Port,
        ClientId = clientId,
        UserName = credentials?.UserName,
        Password = credentials is null ? null : Encoding.UTF8.GetBytes(credentials.Password),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task The_dev_broker_refuses_anonymous_clients_and_wrong_passwords_and_gateway_a_cannot_publish_on_gateway_b()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var a = await broker.AddUserAsync("lab-1-gw01");
        await broker.AddUserAsync("lab-2-gw01");

        await using var anonymous = new MqttClient(Client(broker, "anon", null));
        var refused = await Assert.ThrowsAsync<MqttConnectException>(() => anonymous.ConnectAsync());
        Assert.Contains(refused.ReasonCode, new[] { MqttConnectReasonCode.NotAuthorized, MqttConnectReasonCode.BadUserNameOrPassword });

        await using var wrong = new MqttClient(Client(broker, "wrong", a with { Password = "not-" + a.Password }));
        var wrongRefused = await Assert.ThrowsAsync<MqttConnectException>(() => wrong.ConnectAsync());
        Assert.Contains(wrongRefused.ReasonCode, new[] { MqttConnectReasonCode.NotAuthorized, MqttConnectReasonCode.BadUserNameOrPassword });

        await using var gatewayA = new MqttClient(Client(broker, "lab-1-gw01", a));
        await gatewayA.ConnectAsync();
        var foreign = await gatewayA.PublishAsync(new MqttApplicationMessage { Topic = Topics.Results("lab-2-gw01"), Payload = "{}"u8.ToArray() });
        var own = await gatewayA.PublishAsync(new MqttApplicationMessage { Topic = Topics.Results("lab-1-gw01"), Payload = "{}"u8.ToArray() });
        Assert.Equal(MqttPubAckReasonCode.NotAuthorized, foreign.ReasonCode);
        Assert.True(own.IsSuccess, own.ReasonCode.ToString());
        // …/results/stat (issue 10) is inside a gateway's own subtree, and only its own.
        var foreignStat = await gatewayA.PublishAsync(new MqttApplicationMessage { Topic = Topics.StatResults("lab-2-gw01"), Payload = "{}"u8.ToArray() });
        var ownStat = await gatewayA.PublishAsync(new MqttApplicationMessage { Topic = Topics.StatResults("lab-1-gw01"), Payload = "{}"u8.ToArray() });
        Assert.Equal(MqttPubAckReasonCode.NotAuthorized, foreignStat.ReasonCode);
        Assert.True(ownStat.IsSuccess, ownStat.ReasonCode.ToString());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Disable_enable_and_revoke_are_audited_and_revoked_is_final(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var states = new GatewayStateStore(hub.Database, hub.Time);

        Assert.True(await states.ChangeStateAsync(new GatewayStateChange(TestHub.Gateway, GatewayState.Disabled, "sent for repair", "cli:test")));
        Assert.False(await states.ChangeStateAsync(new GatewayStateChange(TestHub.Gateway, GatewayState.Disabled, null, "cli:test")));
        Assert.True(await states.ChangeStateAsync(new GatewayStateChange(TestHub.Gateway, GatewayState.Enabled, null, "cli:test")));
        Assert.True(await states.ChangeStateAsync(new GatewayStateChange(TestHub.Gateway, GatewayState.Revoked, "key leaked", "cli:test")));
        var final = await Assert.ThrowsAsync<StoreValidationException>(() =>
            states.ChangeStateAsync(new GatewayStateChange(TestHub.Gateway, GatewayState.Enabled, null, "cli:test")));
        Assert.Contains("revoked", final.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<StoreValidationException>(() =>
            states.ChangeStateAsync(new GatewayStateChange("no-such-gw", GatewayState.Disabled, null, "cli:test")));
        Assert.Contains("not registered", unknown.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StoreValidationException>(() =>
            states.ChangeStateAsync(new GatewayStateChange(TestHub.Gateway, GatewayState.Revoked, "two\nlines\0", "cli:test")));

        var standing = (await states.ListAsync()).Single(g => g.GatewayId == TestHub.Gateway);
        Assert.Equal(GatewayState.Revoked, standing.State);
        Assert.Equal("key leaked", standing.StateReason);
        var audit = (await hub.Store.QueryAuditAsync(new AuditQuery { OrganizationId = TestHub.Lab })).Items;
        Assert.Equal(["revoke", "enable", "disable"], audit.Where(e => e.ResourceType == "Gateway").Select(e => e.Action));
        Assert.All(audit, e => Assert.Equal(TestHub.Gateway, e.ResourceId));
    }

    [Fact]
    public async Task Gateways_disable_shuts_a_connected_gateway_out_of_the_broker_and_revoke_keeps_it_out()
    {
        await using var hub = await TestHub.CreateAsync("sqlite");
        await hub.Store.UpsertGatewayAsync("lab-1-gw02", TestHub.Lab);
        var gw1 = new MqttCredentials(TestHub.Gateway, MosquittoPasswords.NewPassword());
        var gw2 = new MqttCredentials("lab-1-gw02", MosquittoPasswords.NewPassword());
        var source = string.Join('\n', MosquittoPasswords.Line(gw1.UserName, gw1.Password), MosquittoPasswords.Line(gw2.UserName, gw2.Password)) + "\n";
        // The production shape: the hub generates password_file and acl_file; no %u pattern.
        const string Config = """
            user root
            listener {{PORT}} 127.0.0.1
            allow_anonymous false
            password_file {{DATA}}/live.passwd
            acl_file {{DATA}}/live.acl
            persistence false
            log_dest stderr
            log_type error
            log_type warning
            """;
        await using var broker = await MosquittoProcess.StartAsync(Config, new Dictionary<string, string> { ["source.passwd"] = source, ["live.passwd"] = source, ["live.acl"] = "" });
        var pidFile = Path.Combine(broker.DataDirectory, "mosquitto.pid");
        await File.WriteAllTextAsync(pidFile, broker.Pid.ToString(CultureInfo.InvariantCulture));
        string[] brokerOptions =
        [
            "--broker-acl-file", Path.Combine(broker.DataDirectory, "live.acl"),
            "--broker-password-source", Path.Combine(broker.DataDirectory, "source.passwd"),
            "--broker-password-file", Path.Combine(broker.DataDirectory, "live.passwd"),
            "--broker-pid-file", pidFile,
        ];
        await RunHubAsync(["gateways", "sync-broker", .. hub.StorageArguments, .. brokerOptions]);

        await using var gateway = new MqttClient(Client(broker, TestHub.Gateway, gw1));
        var lost = new TaskCompletionSource<MqttDisconnectedInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Disconnected += info => lost.TrySetResult(info);
        await gateway.ConnectAsync();
        Assert.True((await gateway.PublishAsync(new MqttApplicationMessage { Topic = Topics.Status(TestHub.Gateway), Payload = "{}"u8.ToArray() })).IsSuccess);
        // The generated ACL lets a gateway publish STAT on its own …/results/stat (issue 10), never on another's.
        Assert.True((await gateway.PublishAsync(new MqttApplicationMessage { Topic = Topics.StatResults(TestHub.Gateway), Payload = "{}"u8.ToArray() })).IsSuccess);
        Assert.Equal(MqttPubAckReasonCode.NotAuthorized, (await gateway.PublishAsync(new MqttApplicationMessage { Topic = Topics.StatResults("lab-1-gw02"), Payload = "{}"u8.ToArray() })).ReasonCode);

        var output = await RunHubAsync(["gateways", "disable", "--id", TestHub.Gateway, "--reason", "sent for repair", .. hub.StorageArguments, .. brokerOptions]);
        Assert.Contains($"gateway {TestHub.Gateway} disabled", output, StringComparison.Ordinal);
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await using var again = new MqttClient(Client(broker, TestHub.Gateway + "-again", gw1));
        await Assert.ThrowsAsync<MqttConnectException>(() => again.ConnectAsync());
        var acl = await File.ReadAllTextAsync(Path.Combine(broker.DataDirectory, "live.acl"));
        Assert.DoesNotContain($"user {TestHub.Gateway}", acl, StringComparison.Ordinal);
        Assert.Contains("user lab-1-gw02\ntopic readwrite edgelab/v1/gw/lab-1-gw02/#", acl, StringComparison.Ordinal);

        // The other gateway is untouched; a revoked one stays out, and enable is refused with the reason.
        await using var other = new MqttClient(Client(broker, "lab-1-gw02", gw2));
        await other.ConnectAsync();
        await RunHubAsync(["gateways", "revoke", "--id", TestHub.Gateway, .. hub.StorageArguments, .. brokerOptions]);
        var refusal = await RunHubAsync(["gateways", "enable", "--id", TestHub.Gateway, .. hub.StorageArguments, .. brokerOptions], expectedExit: 2);
        Assert.Contains("revoked", refusal, StringComparison.Ordinal);
        await using var third = new MqttClient(Client(broker, TestHub.Gateway + "-3", gw1));
        await Assert.ThrowsAsync<MqttConnectException>(() => third.ConnectAsync());
        var list = await RunHubAsync(["gateways", "list", .. hub.StorageArguments]);
        Assert.Contains($"{TestHub.Gateway}\t{TestHub.Lab}\trevoked", list, StringComparison.Ordinal);
    }

    private static async Task<string> RunHubAsync(string[] args, int expectedExit = 0)
    {
        await using var p = EdgeLabComponents.Start(EdgeLabComponents.Hub, args);
        Assert.True(await p.WaitForExitAsync(TimeSpan.FromSeconds(60)), "edgelab-hub did not exit");
        await Task.Delay(50); // let the output readers drain
        Assert.True(p.ExitCode == expectedExit, $"exit {p.ExitCode}: {p.Output}");
        return p.Output;
    }
}
