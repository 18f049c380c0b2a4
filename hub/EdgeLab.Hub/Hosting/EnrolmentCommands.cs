using System.CommandLine;
using System.Globalization;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Enrolment;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Hosting;

/// <summary>
/// <c>ca init|crl</c> and <c>gateways enrol|accept|reject</c> (issue 12 §1): the device CA and the enrolment of new
/// gateways. Registry changes are audited by the stores; the broker files are rewritten as for the other gateway
/// commands (<see cref="GatewayCommands"/>).
/// </summary>
internal static class EnrolmentCommands
{
    public static readonly Option<string> CaDirectory = new("--ca-dir")
    {
        Description = "Folder of the device CA (ca.crt, ca.crl, ca.key 0600)",
        DefaultValueFactory = _ => "/var/lib/edgelab/ca",
        Recursive = true,
    };

    public static readonly Option<string?> CaKey = new("--ca-key")
    {
        Description = "The CA's private key when it is kept outside --ca-dir (offline, e.g. on a USB stick mounted for the signing)",
        Recursive = true,
    };

    /// <summary>Default lifetime of a gateway certificate: 397 days, the longest the CA/Browser Forum allows for TLS certificates; renewed over MQTT before.</summary>
    public static readonly TimeSpan DefaultCertificateValidity = TimeSpan.FromDays(397);

    public static Command Ca()
    {
        var name = new Option<string>("--name") { Description = "The CA's common name", DefaultValueFactory = _ => "edgelab-device-ca" };
        var years = new Option<int>("--years") { Description = "Validity of the CA certificate", DefaultValueFactory = _ => 10 };
        var init = new Command("init", "Create the device CA: ECDSA P-256 key (mode 0600), self-signed certificate, empty CRL") { name, years };
        init.SetAction(result =>
        {
            var dir = result.GetValue(CaDirectory)!;
            var ca = Run(() => DeviceCa.Init(dir, result.GetValue(name)!, TimeSpan.FromDays(365.25 * Math.Clamp(result.GetValue(years), 1, 30)), TimeProvider.System));
            Console.WriteLine($"device CA {ca.Certificate.Subject} in {dir}, valid until {ca.Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}; the broker's cafile and crlfile: {ca.CertificatePath}, {ca.CrlPath}");
            Console.WriteLine($"the key {Path.Combine(dir, DeviceCa.KeyFile)} may be moved offline; then sign with --ca-key PATH");
            return 0;
        });
        var crl = new Command("crl", $"Re-issue the CRL with a fresh nextUpdate (it is valid for {DeviceCa.CrlValidity.TotalDays} days; the broker refuses every device after that)");
        crl.SetAction(result =>
        {
            var ca = Run(() => DeviceCa.Open(result.GetValue(CaDirectory)!, result.GetValue(CaKey), TimeProvider.System));
            Run(ca.RefreshCrl);
            Console.WriteLine($"CRL re-issued: {ca.CrlPath}; copy it to the broker and send it SIGHUP");
            return 0;
        });
        var command = new Command("ca", "The device CA that issues the gateways' client certificates") { init, crl };
        command.Options.Add(CaDirectory);
        command.Options.Add(CaKey);
        return command;
    }

    public static IEnumerable<Command> GatewayCommandsOf()
    {
        yield return Enrol();
        yield return Decide("accept", GatewayState.Enabled, "Accept a pending gateway: the broker opens its topics and its results are stored");
        yield return Decide("reject", GatewayState.Revoked, "Reject a pending gateway: final, its certificate goes on the CRL (with --ca-dir)");
    }

    private static Command Enrol()
    {
        var id = new Option<string?>("--id") { Description = "Gateway id; default the first free <lab>-gwNN" };
        var facility = new Option<string>("--facility") { Description = "Facility (hospital, clinic) the box stands in, e.g. \"Tomsk OKB\"", Required = true };
        var lab = new Option<string>("--lab") { Description = "Id of the lab organization the gateway serves", Required = true };
        var preAuthorised = new Option<bool>("--pre-authorised") { Description = "Accept at once (no pending step)" };
        var output = new Option<string>("--out") { Description = "The bootstrap bundle to write (.tar.gz, mode 0600: it holds the key)", Required = true };
        var brokerHost = new Option<string>("--broker-host") { Description = "Host name the gateway dials (the broker certificate's name)", Required = true };
        var brokerPort = new Option<int>("--broker-port") { Description = "The broker's TLS port", DefaultValueFactory = _ => 8883 };
        var brokerCa = new Option<string?>("--broker-ca") { Description = "CA of the broker's certificate; default the device CA" };
        var dataDirectory = new Option<string>("--gateway-data-dir") { Description = "dataDirectory in the gateway's configuration", DefaultValueFactory = _ => "/var/lib/edgelab-gateway" };
        var days = new Option<int>("--valid-days") { Description = "Lifetime of the client certificate", DefaultValueFactory = _ => (int)DefaultCertificateValidity.TotalDays };
        var command = new Command("enrol", "Create a gateway for a facility and lab and write its bootstrap bundle (config, client certificate + key, broker CA, broker address)")
        {
            id, facility, lab, preAuthorised, output, brokerHost, brokerPort, brokerCa, dataDirectory, days,
        };
        command.SetAction(async (result, ct) =>
        {
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var ca = Run(() => DeviceCa.Open(result.GetValue(CaDirectory)!, result.GetValue(CaKey), TimeProvider.System));
            var enrolment = new GatewayEnrolmentStore(scope.Database, TimeProvider.System);
            var labId = result.GetValue(lab)!;
            var gatewayId = result.GetValue(id) ?? await enrolment.NextGatewayIdAsync(labId, ct).ConfigureAwait(false);
            var (certificate, keyPem) = Run(() => ca.IssueWithNewKey(gatewayId, TimeSpan.FromDays(Math.Clamp(result.GetValue(days), 1, 825))));
            using (certificate)
            {
                var stamp = new CertificateStamp(DeviceCa.SerialHex(certificate), certificate.NotAfter.ToUniversalTime());
                await enrolment.EnrolAsync(new GatewayEnrolment(gatewayId, labId, result.GetValue(facility), result.GetValue(preAuthorised), stamp,
                    "cli:" + Environment.UserName), ct).ConfigureAwait(false);
                var brokerCaPem = result.GetValue(brokerCa) is { } f ? await File.ReadAllTextAsync(f, ct).ConfigureAwait(false) : await File.ReadAllTextAsync(ca.CertificatePath, ct).ConfigureAwait(false);
                BootstrapBundle.Write(result.GetValue(output)!, new BootstrapContents(gatewayId, labId, result.GetValue(brokerHost)!, result.GetValue(brokerPort),
                    brokerCaPem, certificate.ExportCertificatePem() + "\n", keyPem, result.GetValue(dataDirectory)!));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"gateway {gatewayId} enrolled for {labId} ({(result.GetValue(preAuthorised) ? "accepted" : "pending until 'gateways accept'")}); certificate {stamp.SerialHex} valid until {stamp.NotAfter:yyyy-MM-dd}; bundle {result.GetValue(output)}"));
            }
            await GatewayCommands.SyncBrokerIfAskedAsync(result, scope, ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command Decide(string name, GatewayState state, string description)
    {
        var id = new Option<string>("--id") { Description = "Gateway id", Required = true };
        var reason = new Option<string?>("--reason") { Description = "Why (kept with the state); no patient data" };
        var command = new Command(name, description) { id, reason };
        command.SetAction(async (result, ct) =>
        {
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var gatewayId = result.GetValue(id)!;
            var changed = await new GatewayStateStore(scope.Database, TimeProvider.System).ChangeStateAsync(
                new GatewayStateChange(gatewayId, state, result.GetValue(reason), "cli:" + Environment.UserName, From: GatewayState.Pending), ct).ConfigureAwait(false);
            Console.WriteLine(changed ? $"gateway {gatewayId} {name}ed" : $"gateway {gatewayId} is already {StoreEncoding.Enum(state)}");
            if (state == GatewayState.Revoked) await RevokeCertificateIfAskedAsync(result, scope, gatewayId, ct).ConfigureAwait(false);
            await GatewayCommands.SyncBrokerIfAskedAsync(result, scope, ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>With a CA at hand (<c>--ca-dir</c> holding ca.crt, key reachable), puts the gateway's certificate on the CRL.</summary>
    public static async Task RevokeCertificateIfAskedAsync(ParseResult result, CliScope scope, string gatewayId, CancellationToken ct)
    {
        var dir = result.GetValue(CaDirectory)!;
        if (!File.Exists(Path.Combine(dir, DeviceCa.CertificateFile)))
        {
            Console.Error.WriteLine($"edgelab-hub: no device CA in {dir}: the certificate was not put on a CRL (give --ca-dir, or revoke it at your CA)");
            return;
        }
        var entry = await new GatewayEnrolmentStore(scope.Database, TimeProvider.System).GetAsync(gatewayId, ct).ConfigureAwait(false);
        if (entry?.CertificateSerial is not { } serial)
        {
            Console.Error.WriteLine($"edgelab-hub: gateway {gatewayId} has no certificate issued by this hub's CA: revoke it at the CA that issued it");
            return;
        }
        var ca = Run(() => DeviceCa.Open(dir, result.GetValue(CaKey), TimeProvider.System));
        Run(() => ca.Revoke(serial));
        Console.WriteLine($"certificate {serial} of {gatewayId} is on the CRL {ca.CrlPath}; the broker refuses it after SIGHUP");
    }

    /// <summary>CA failures are the operator's to fix (missing file, key offline): one line, exit 2.</summary>
    private static T Run<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (DeviceCaException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }

    private static void Run(Action action) => Run(() =>
    {
        action();
        return 0;
    });
}
