using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.LocalServices;
using EdgeLab.Testing;

namespace EdgeLab.Hub.Tests.Support;

/// <summary>
/// A real hub database (a SQLite file in a temp folder, or a fresh database on the shared PostgreSQL server), migrated,
/// with the regional catalog, the store, the ingest writer, and a seeded region: clinic <c>clinic-1</c>, lab
/// <c>lab-1</c> with gateway <c>lab-1-gw01</c>.
/// </summary>
internal sealed class TestHub : IAsyncDisposable
{
    public const string Clinic = "clinic-1";
    public const string OtherClinic = "clinic-2";
    public const string Lab = "lab-1";
    public const string Gateway = "lab-1-gw01";

    private readonly ScratchDirectory? _dir;

    private TestHub(IHubDatabase database, ScratchDirectory? dir)
    {
        Database = database;
        _dir = dir;
        Catalog = CatalogLoader.LoadEmbedded();
        Store = new HubStore(database, Catalog, Time);
        Writer = new IngestWriter(database, Catalog, Time);
    }

    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));
    public IHubDatabase Database { get; }
    public TestCatalog Catalog { get; }
    public HubStore Store { get; }
    public IngestWriter Writer { get; }

    public string? ConnectionString { get; private init; }
    public string? DataDirectory => _dir?.Path;

    /// <summary>The command-line options that point an <c>edgelab-hub</c> process at this database.</summary>
    public string[] StorageArguments => ConnectionString is { } cs
        ? ["--database-provider", "postgres", "--connection-string", cs]
        : ["--data", DataDirectory!];

    /// <param name="provider">One of <see cref="Providers"/>.</param>
    /// <param name="emptyDatabase">PostgreSQL: start from an empty database instead of the migrated template (SQLite always starts empty).</param>
    public static async Task<TestHub> CreateAsync(string provider, bool emptyDatabase = false)
    {
        TestHub hub;
        if (provider == "postgres")
        {
            var cs = emptyDatabase ? await SharedPostgres.NewEmptyDatabaseAsync() : await SharedPostgres.NewDatabaseAsync();
            hub = new TestHub(new PostgresHubDatabase(cs), null) { ConnectionString = cs };
        }
        else if (provider == "sqlite")
        {
            var dir = new ScratchDirectory("hubtest");
            hub = new TestHub(new SqliteHubDatabase(Path.Combine(dir.Path, "hub.db")), dir);
        }
        else
        {
            throw new ArgumentException($"provider '{provider}' is neither 'sqlite' nor 'postgres'", nameof(provider));
        }
        await hub.Database.MigrateAsync();
        await hub.Store.UpsertOrganizationAsync(new Organization { Id = Clinic, Name = "Clinic One", Kind = OrganizationKind.Clinic, WebhookUrl = "http://127.0.0.1:9/hook" });
        await hub.Store.UpsertOrganizationAsync(new Organization { Id = OtherClinic, Name = "Clinic Two", Kind = OrganizationKind.Clinic });
        await hub.Store.UpsertOrganizationAsync(new Organization { Id = Lab, Name = "Lab One", Kind = OrganizationKind.Lab });
        await hub.Store.UpsertGatewayAsync(Gateway, Lab);
        return hub;
    }

    /// <summary>
    /// Registers a referral as <see cref="ReferralService"/> does (same validation, same store call) without sending
    /// orders; the service itself, with orders over a real broker, is tested in <c>Ingest/MosquittoIngestTests</c>.
    /// </summary>
    public async Task<RegisteredReferral> RegisterAsync(IReadOnlyList<string> tests, PatientInput? patient = null, string? externalId = null) =>
        (await TryRegisterAsync(tests, patient, externalId)).Registered ?? throw new InvalidOperationException("the referral was held for identity review");

    /// <summary>As <see cref="RegisterAsync"/>, for another ordering organization or lab, answering held registrations too.</summary>
    public async Task<RegistrationOutcome> TryRegisterAsync(
        IReadOnlyList<string> tests, PatientInput? patient = null, string? externalId = null, string orderingOrganization = Clinic, string performingLab = Lab,
        string priority = "routine")
    {
        var request = new ReferralRequest { Patient = patient ?? Patients.Ivanova, PractitionerName = "Петров П. П.", PerformingLabId = performingLab, Tests = tests, ExternalId = externalId };
        var (p, defs, errors) = ReferralValidator.Validate(request, orderingOrganization, Catalog, new DateOnly(2026, 11, 21));
        Assert.Empty(errors);
        var referral = new Referral
        {
            Id = HubId.New(),
            PatientId = p!.Id,
            OrderingOrganizationId = orderingOrganization,
            PractitionerName = request.PractitionerName,
            PerformingLabId = performingLab,
            TestCodes = defs.Select(t => t.Code).ToList(),
            Status = ReferralStatus.Active,
            ExternalId = externalId,
            Priority = priority,
        };
        return await Store.RegisterReferralAsync(new NewReferral
        {
            Patient = p,
            Referral = referral,
            Specimens = defs.GroupBy(t => t.SpecimenType).Select(g => (g.Key, (IReadOnlyList<string>)g.Select(t => t.Code).ToList())).ToList(),
        });
    }

    /// <summary>
    /// Releases every held critical result as a lab doctor would (issue 13: a critical value's webhook waits for the
    /// release), for tests about webhook delivery itself.
    /// </summary>
    public async Task ReleaseHeldCriticalAsync()
    {
        foreach (var item in await Store.ListCriticalBoardAsync(AccessScope.Region))
        {
            if (item.Result.Validation == ValidationState.Held)
                await Store.DecideAsync(AccessScope.Region, item.Result.Id, ValidationAction.Release, "test-lab-doctor", null);
        }
    }

    /// <summary>Releases every held current result as a lab doctor would, for tests about what a released result looks like.</summary>
    public async Task ReleaseHeldAsync()
    {
        foreach (var group in await Store.ListWorklistAsync(AccessScope.Region, HubStore.MaxPageSize))
        {
            foreach (var entry in group.Results)
                await Store.DecideAsync(AccessScope.Region, entry.Result.Id, ValidationAction.Release, "test-lab-doctor", null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Database is IAsyncDisposable d) await d.DisposeAsync();
        if (ConnectionString is { } cs) SharedPostgres.Release(cs);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir?.Dispose();
    }
}
