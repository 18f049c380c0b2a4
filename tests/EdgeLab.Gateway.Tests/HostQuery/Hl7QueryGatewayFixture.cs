using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.HostQuery;

/// <summary>
/// One real gateway (<see cref="GatewayUnderTest"/>, its SQLite order cache fed by a real Mosquitto) with four HL7
/// instruments on MLLP tcp-server ports: QRY^Q02 and QBP^Q11, each with host query on and off. The hub publishes one
/// synthetic order, so the tests only start the built simulator against it.
/// </summary>
public sealed class Hl7QueryGatewayFixture : IAsyncLifetime
{
    public const string KnownSpecimen = "2611220042";
    /// <summary>Mindray QRY^Q02, host query on (the shipped profile).</summary>
    public const string QryProfile = "mindray-bc5380";
    /// <summary>Generic HL7 v2.5 QBP^Q11 with host query on (the shipped generic-hl7, hostQuery flipped).</summary>
    public const string QbpProfile = "generic-hl7-query";
    /// <summary>Mindray QRY^Q02 with host query off.</summary>
    public const string QryOffProfile = "mindray-bc5380-noquery";
    /// <summary>Generic HL7 v2.5 QBP^Q11 with host query off (the shipped profile).</summary>
    public const string QbpOffProfile = "generic-hl7";

    private readonly ScratchDirectory _profiles = new("hl7-query-profiles");
    private MosquittoProcess? _broker;
    private HubPeer? _hub;

    internal GatewayUnderTest Gateway { get; private set; } = null!;
    public string ProfilesDirectory => _profiles.Path;
    public IReadOnlyDictionary<string, int> Ports { get; private set; } = new Dictionary<string, int>();

    public async Task InitializeAsync()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "firmware-config", "instruments");
        foreach (var file in Directory.EnumerateFiles(shipped, "*.yaml"))
            File.Copy(file, Path.Combine(_profiles.Path, Path.GetFileName(file)));
        await Derive("generic-hl7", QbpProfile, "hostQuery: false", "hostQuery: true");
        await Derive("mindray-bc5380", QryOffProfile, "hostQuery: true", "hostQuery: false");

        _broker = await MosquittoProcess.StartAsync();
        var ports = new[] { QryProfile, QbpProfile, QryOffProfile, QbpOffProfile }.ToDictionary(p => p, _ => FreeTcpPort.Next());
        Ports = ports;
        Gateway = await GatewayUnderTest.StartAsync(_broker, configure: c => c with
        {
            ProfilesDirectory = _profiles.Path,
            Instruments = [.. ports.Select(p => new InstrumentConfig
            {
                Id = "an-" + p.Key,
                Profile = p.Key,
                Transport = new TransportConfig { Type = TransportConfig.TcpServer, Host = "127.0.0.1", Port = p.Value },
            })],
        });
        _hub = await HubPeer.StartAsync(_broker, "test-gw01", autoAck: true);
        await Eventually.TrueAsync(() => _hub.Statuses().Any(s => s.Online), "gateway online at the broker", TimeSpan.FromSeconds(60));
        var order = new OrderMessage
        {
            Action = "upsert",
            OrderId = "R-HL7Q-1",
            SpecimenId = KnownSpecimen,
            Patient = new OrderPatient { Id = "P-SYNTH-42", FamilyName = "Simulova", GivenName = "Vera", Sex = "F", BirthDate = new DateOnly(1984, 3, 9) },
            Priority = "stat",
            SpecimenType = "Blood",
            At = DateTimeOffset.UtcNow,
            Tests =
            [
                new OrderTest { Code = "CBC", InstrumentCodes = new Dictionary<string, string> { [QryProfile] = "WBC", [QbpProfile] = "6690-2" } },
                new OrderTest { Code = "HGB", InstrumentCodes = new Dictionary<string, string> { [QryProfile] = "HGB", [QbpProfile] = "718-7" } },
                new OrderTest { Code = "GLU", InstrumentCodes = new Dictionary<string, string> { ["roche-cobas-c311"] = "GLUC" } },
            ],
        };
        await _hub.PublishAsync(Topics.Orders("test-gw01"), JsonSerializer.SerializeToUtf8Bytes(order, WireJson.Default.OrderMessage));
        await Eventually.TrueAsync(() => Gateway.App.Orders.FindBySpecimenAsync(KnownSpecimen, default).AsTask().Result is not null,
            "the hub's order reached the gateway's order cache", TimeSpan.FromSeconds(60));
        foreach (var port in ports.Values) await FreeTcpPort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60));
    }

    private async Task Derive(string from, string name, string replace, string with)
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(_profiles.Path, from + ".yaml"));
        Assert.Contains(replace, yaml, StringComparison.Ordinal);
        yaml = yaml.Replace($"name: {from}", $"name: {name}", StringComparison.Ordinal).Replace(replace, with, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(_profiles.Path, name + ".yaml"), yaml);
    }

    public async Task DisposeAsync()
    {
        if (_hub is not null) await _hub.DisposeAsync();
        if (Gateway is not null) await Gateway.DisposeAsync();
        if (_broker is not null) await _broker.DisposeAsync();
        _profiles.Dispose();
    }
}
