namespace EdgeLab.Hub.Fhir;

/// <summary>Registers and maps the FHIR R4 API at <c>/fhir</c> (and the plain JSON API beside it). Called from Program.cs.</summary>
internal static class FhirApi
{
    public static IServiceCollection AddFhirApi(this IServiceCollection services, IConfiguration configuration) => services;

    public static WebApplication MapFhirApi(this WebApplication app) => app;
}
