using EdgeLab.Hub.Api;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Labels;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeLab.Hub.Hosting;

/// <summary>Registers and maps the FHIR R4 API at <c>/fhir</c> (and the plain JSON API beside it). Called from Program.cs.</summary>
internal static class HttpApi
{
    /// <summary>The authorization policy every /fhir and /api endpoint of this area requires: an API client's bearer token.</summary>
    public const string ClientPolicy = "EdgeLabApiClient";

    public static IServiceCollection AddHttpApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, _ => { });
        services.AddAuthorizationBuilder()
            .AddPolicy(ClientPolicy, policy => policy
                .AddAuthenticationSchemes(BearerTokenHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiCaller.ClientIdClaim)
                .RequireClaim(ApiCaller.OrganizationClaim));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AuditGroupCommit>();
        services.AddScoped<AuditTrail>();
        services.AddSingleton(new LabelFont(configuration["Labels:FontPath"]));
        services.AddSingleton<PdfLabelWriter>();
        return services;
    }

    public static WebApplication MapHttpApi(this WebApplication app)
    {
        // Refusals are audited, the 401 of a refused token included, so the audit middleware runs before
        // authentication; calling UseAuthentication/UseAuthorization here keeps WebApplication from adding them first.
        app.UseWhen(c => RefusalAudit.Covers(c.Request.Path), branch => branch.UseMiddleware<RefusalAudit>());
        app.UseAuthentication();
        app.UseAuthorization();
        var started = DateTimeOffset.UtcNow;
        var fhir = app.MapGroup("/fhir")
            .AddEndpointFilter<FhirErrorFilter>()
            .RequireAuthorization(ClientPolicy);
        // The CapabilityStatement carries no patient data and tells a client how to authenticate (R4 §3.1.0.13).
        fhir.MapGet("/metadata", (HttpContext http) =>
                new FhirResult(CapabilityStatementFactory.Create(SearchSetBuilder.BaseUrl(http.Request), started)))
            .AllowAnonymous();
        FhirReadEndpoints.Map(fhir);
        FhirSearchEndpoints.Map(fhir);
        ArchiveFhirEndpoints.Map(fhir);
        TransferFhirEndpoints.Map(fhir);
        FhirTransactionEndpoint.Map(fhir);
        Fhir.Semd.SemdEndpoints.Map(fhir);
        fhir.Map("/{**rest}", Unsupported);

        var api = app.MapGroup("/api")
            .AddEndpointFilter<FhirErrorFilter>()
            .AddEndpointFilter<JsonContentTypeFilter>()
            .RequireAuthorization(ClientPolicy);
        ReferralEndpoints.Map(api);
        UnmatchedEndpoints.Map(api);
        ValidationEndpoints.Map(api);
        CabinetReleaseEndpoints.Map(api);
        CriticalValueEndpoints.Map(api);
        IdentityConflictEndpoints.Map(api);
        ProvenanceEndpoints.Map(api);
        TransferEndpoints.Map(api);
        TransferReportEndpoints.Map(api);
        GatewayRegistryEndpoints.Map(api);
        FleetEndpoints.Map(api);
        RolloutEndpoints.Map(api);
        AuditEndpoints.Map(api);
        // The archive's uploads are application/pdf: its own group, without the JSON-only filter (it checks JSON bodies itself).
        ArchiveEndpoints.Map(app.MapGroup("/api/archive").AddEndpointFilter<FhirErrorFilter>().RequireAuthorization(ClientPolicy));
        LabelEndpoints.Map(api);
        return app;
    }

    private static readonly HashSet<string> Types = ["Patient", "ServiceRequest", "Specimen", "Observation", "DiagnosticReport", "Location", "DocumentReference", "metadata"];

    /// <summary>Anything else under /fhir: 404 for an unknown resource type, 405 for an interaction not offered.</summary>
    private static FhirResult Unsupported(HttpContext http, string? rest)
    {
        var type = (rest ?? "").Split('/', 2)[0];
        return Types.Contains(type)
            ? FhirResult.Outcome(StatusCodes.Status405MethodNotAllowed, IssueType.NotSupported,
                $"{http.Request.Method} /fhir/{rest} is not supported; see /fhir/metadata for the interactions offered.")
            : FhirResult.Outcome(StatusCodes.Status404NotFound, IssueType.NotSupported,
                $"Resource type '{type}' is not served here; see /fhir/metadata.");
    }
}
