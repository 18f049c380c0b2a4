using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Grains;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Store.Fleet;

namespace EdgeLab.Hub.Api;

/// <summary>
/// Desired configuration and commands for regional IT (issue 12 §2, §5), scope <c>gateways.admin</c>, every call audited:
/// <c>GET /api/config/layers</c>, <c>PUT /api/config/layers/{kind}/{value}</c> (a JSON object: part of the gateway
/// configuration), <c>GET /api/gateways/{id}/config</c> (desired vs reported, drift, the layers it came from),
/// <c>PUT /api/gateways/{id}/groups</c> (<c>{"boxModel":…,"labels":[…]}</c>), <c>POST /api/gateways/{id}/commands</c>
/// (<c>{"name":"ping","args":{…},"timeoutSeconds":30}</c> → 202 with the command id), <c>GET …/commands[/{commandId}]</c>.
/// A change wakes the gateway's grain at once; the grains' sweep publishes whatever a node could not.
/// </summary>
internal static class FleetEndpoints
{
    private const int MaxBodyBytes = ConfigLayers.MaxLayerBytes + 4096;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/config/layers", ListLayersAsync);
        api.MapPut("/config/layers/{kind}/{value}", SetLayerAsync);
        api.MapGet("/gateways/{id}/config", GetConfigAsync);
        api.MapPut("/gateways/{id}/groups", SetGroupsAsync);
        api.MapPost("/gateways/{id}/commands", RequestCommandAsync);
        api.MapGet("/gateways/{id}/commands", ListCommandsAsync);
        api.MapGet("/gateways/{id}/commands/{commandId}", GetCommandAsync);
    }

    private static async Task<IResult> ListLayersAsync(HttpContext http, FleetConfigStore store, AuditTrail audit)
    {
        var caller = Authorize(http);
        var layers = await store.ListLayersAsync(http.RequestAborted);
        await audit.RecordAsync(http, caller, "search", "ConfigLayer", null, null, StatusCodes.Status200OK);
        return Results.Json(new LayerList(layers.Select(Item).ToList()), FleetApiJson.Default.LayerList);
    }

    private static async Task<IResult> SetLayerAsync(HttpContext http, string kind, string value, FleetConfigStore store, AuditTrail audit, IServiceProvider services)
    {
        var caller = Authorize(http);
        var body = await ReadBodyAsync(http);
        LayerChange change;
        try
        {
            // The store audits the change in its own transaction (actor = the client).
            change = await store.SetLayerAsync(ConfigScope.Parse(kind, value), body, caller.ClientId, http.RequestAborted);
        }
        catch (StoreValidationException e)
        {
            await audit.RecordAsync(http, caller, "config-set", "ConfigLayer", $"{kind}:{value}", null, StatusCodes.Status422UnprocessableEntity);
            throw new FhirInputException(IssueType.Invalid, e.Message, "body", StatusCodes.Status422UnprocessableEntity);
        }
        Wake(services, change.NewVersions.Select(v => v.GatewayId));
        return Results.Json(new LayerChangeItem
        {
            Scope = change.Scope.ToString(),
            Revision = change.Revision,
            Changed = change.Changed,
            NewVersions = change.NewVersions.Select(v => new DesiredVersionItem { GatewayId = v.GatewayId, Version = v.Version }).ToList(),
        }, FleetApiJson.Default.LayerChangeItem);
    }

    private static async Task<IResult> GetConfigAsync(HttpContext http, string id, FleetConfigStore store, AuditTrail audit)
    {
        var caller = Authorize(http);
        var state = await store.GetStateAsync(id, http.RequestAborted);
        if (state is null)
        {
            await audit.RecordAsync(http, caller, "read", "GatewayConfig", id, null, StatusCodes.Status404NotFound);
            throw new FhirInputException(IssueType.NotFound, $"gateway '{id}' is not registered", "id", StatusCodes.Status404NotFound);
        }
        await audit.RecordAsync(http, caller, "read", "GatewayConfig", id, null, StatusCodes.Status200OK);
        return Results.Json(ConfigItem(state), FleetApiJson.Default.GatewayConfigItem);
    }

    private static async Task<IResult> SetGroupsAsync(HttpContext http, string id, FleetConfigStore store, AuditTrail audit, IServiceProvider services)
    {
        var caller = Authorize(http);
        var body = Parse<GroupsBody>(await ReadBodyAsync(http), FleetApiJson.Default.GroupsBody);
        DesiredVersion? version;
        try
        {
            version = await store.SetGroupsAsync(id, new GatewayGroups(body.BoxModel, body.Labels ?? []), caller.ClientId, http.RequestAborted);
        }
        catch (StoreValidationException e)
        {
            await audit.RecordAsync(http, caller, "set-groups", "Gateway", id, null, StatusCodes.Status422UnprocessableEntity);
            throw new FhirInputException(IssueType.Invalid, e.Message, "body", StatusCodes.Status422UnprocessableEntity);
        }
        if (version is not null) Wake(services, [id]);
        return Results.Json(ConfigItem((await store.GetStateAsync(id, http.RequestAborted))!), FleetApiJson.Default.GatewayConfigItem);
    }

    private static async Task<IResult> RequestCommandAsync(HttpContext http, string id, GatewayCommandStore commands, AuditTrail audit, IServiceProvider services)
    {
        var caller = Authorize(http);
        var body = Parse<CommandBody>(await ReadBodyAsync(http), FleetApiJson.Default.CommandBody);
        GatewayCommand command;
        try
        {
            command = await commands.RequestAsync(id, body.Name ?? "", body.Args ?? new Dictionary<string, string>(),
                body.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null, caller.ClientId, http.RequestAborted);
        }
        catch (StoreValidationException e)
        {
            await audit.RecordAsync(http, caller, "command", "Gateway", id, null, StatusCodes.Status422UnprocessableEntity);
            throw new FhirInputException(IssueType.Invalid, e.Message, "body", StatusCodes.Status422UnprocessableEntity);
        }
        Wake(services, [id]);
        return Results.Json(CommandItem(command), FleetApiJson.Default.CommandItem, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListCommandsAsync(HttpContext http, string id, GatewayCommandStore commands, AuditTrail audit)
    {
        var caller = Authorize(http);
        var list = await commands.ListAsync(id, cancellationToken: http.RequestAborted);
        await audit.RecordAsync(http, caller, "search", "GatewayCommand", id, null, StatusCodes.Status200OK);
        return Results.Json(new CommandList(list.Select(CommandItem).ToList()), FleetApiJson.Default.CommandList);
    }

    private static async Task<IResult> GetCommandAsync(HttpContext http, string id, string commandId, GatewayCommandStore commands, AuditTrail audit)
    {
        var caller = Authorize(http);
        var command = await commands.GetAsync(commandId, http.RequestAborted);
        if (command is null || command.GatewayId != id)
        {
            await audit.RecordAsync(http, caller, "read", "GatewayCommand", commandId, null, StatusCodes.Status404NotFound);
            throw new FhirInputException(IssueType.NotFound, $"gateway '{id}' has no command '{commandId}'", "commandId", StatusCodes.Status404NotFound);
        }
        await audit.RecordAsync(http, caller, "read", "GatewayCommand", commandId, null, StatusCodes.Status200OK);
        return Results.Json(CommandItem(command), FleetApiJson.Default.CommandItem);
    }

    internal static ApiCaller Authorize(HttpContext http)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessHas(caller, ApiScopes.GatewaysAdmin);
        return caller;
    }

    /// <summary>Tells the grains at once; without a silo (or if the call fails) the sweep does within a second.</summary>
    internal static void Wake(IServiceProvider services, IEnumerable<string> gateways)
    {
        if (services.GetService<IGrainFactory>() is not { } grains) return;
        foreach (var gateway in gateways) _ = grains.GetGrain<IGatewayGrain>(gateway).PublishFleetAsync();
    }

    internal static async Task<string> ReadBodyAsync(HttpContext http)
    {
        if (http.Request.ContentLength > MaxBodyBytes)
            throw new FhirInputException(IssueType.Invalid, $"the body is larger than {MaxBodyBytes / 1024} KiB", "body", StatusCodes.Status413PayloadTooLarge);
        using var reader = new StreamReader(http.Request.Body);
        var buffer = new char[MaxBodyBytes + 1];
        var read = await reader.ReadBlockAsync(buffer, http.RequestAborted);
        if (read > MaxBodyBytes)
            throw new FhirInputException(IssueType.Invalid, $"the body is larger than {MaxBodyBytes / 1024} KiB", "body", StatusCodes.Status413PayloadTooLarge);
        return new string(buffer, 0, read);
    }

    internal static T Parse<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(json, type) ?? throw new System.Text.Json.JsonException("empty body");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FhirInputException(IssueType.Invalid, $"the body is not the expected JSON object: {e.Message}", "body");
        }
    }

    private static LayerItem Item(ConfigLayer l) => new()
    {
        Scope = l.Scope.ToString(),
        Kind = l.Scope.KindText,
        Value = l.Scope.Value,
        Revision = l.Revision,
        ChangedAt = l.ChangedAt,
        ChangedBy = l.ChangedBy,
        Document = l.Document,
    };

    internal static GatewayConfigItem ConfigItem(GatewayConfigState s) => new()
    {
        GatewayId = s.GatewayId,
        DesiredVersion = s.DesiredVersion,
        PublishedVersion = s.PublishedVersion,
        PublishedAt = s.PublishedAt,
        ReportedVersion = s.ReportedVersion,
        ReportedAt = s.ReportedAt,
        Drift = s.Drift,
        LastRejection = s.LastRejection,
        Layers = s.Layers,
        BoxModel = s.Groups.BoxModel,
        Labels = s.Groups.Labels,
        Document = s.Document,
    };

    private static CommandItem CommandItem(GatewayCommand c) => new()
    {
        Id = c.Id,
        GatewayId = c.GatewayId,
        Name = c.Name,
        Args = c.Args,
        State = GatewayCommandStore.StateText(c.State),
        RequestedAt = c.RequestedAt,
        RequestedBy = c.RequestedBy,
        TimeoutAt = c.TimeoutAt,
        SentAt = c.SentAt,
        FinishedAt = c.FinishedAt,
        ReplyText = c.ReplyText,
        ReplyData = c.ReplyData,
    };
}

internal sealed record LayerItem
{
    public required string Scope { get; init; }
    public required string Kind { get; init; }
    public required string Value { get; init; }
    public long Revision { get; init; }
    public DateTimeOffset ChangedAt { get; init; }
    public required string ChangedBy { get; init; }
    public required JsonObject Document { get; init; }
}

internal sealed record LayerList(IReadOnlyList<LayerItem> Items);

internal sealed record DesiredVersionItem
{
    public required string GatewayId { get; init; }
    public long Version { get; init; }
}

internal sealed record LayerChangeItem
{
    public required string Scope { get; init; }
    public long Revision { get; init; }
    /// <summary>False when the document equals the layer's current one (no new revision, no new versions).</summary>
    public bool Changed { get; init; }
    public required IReadOnlyList<DesiredVersionItem> NewVersions { get; init; }
}

/// <summary>A gateway's configuration as the fleet console shows it: desired vs reported, and where the desired one came from.</summary>
internal sealed record GatewayConfigItem
{
    public required string GatewayId { get; init; }
    public long? DesiredVersion { get; init; }
    public long? PublishedVersion { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public long? ReportedVersion { get; init; }
    public DateTimeOffset? ReportedAt { get; init; }
    public bool Drift { get; init; }
    /// <summary>The gateway's last <c>config-rejected</c> event text (validation error or rollback), if any.</summary>
    public string? LastRejection { get; init; }
    /// <summary>The layers merged into the desired document, in precedence order, e.g. <c>lab:lab-1#2</c>.</summary>
    public required IReadOnlyList<string> Layers { get; init; }
    public string? BoxModel { get; init; }
    public required IReadOnlyList<string> Labels { get; init; }
    public JsonObject? Document { get; init; }
}

internal sealed record GroupsBody(string? BoxModel, IReadOnlyList<string>? Labels);

internal sealed record CommandBody(string? Name, Dictionary<string, string>? Args, double? TimeoutSeconds);

internal sealed record CommandItem
{
    public required string Id { get; init; }
    public required string GatewayId { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyDictionary<string, string> Args { get; init; }
    /// <summary><c>pending</c>, <c>sent</c>, <c>ok</c>, <c>failed</c> or <c>timed-out</c>.</summary>
    public required string State { get; init; }
    public DateTimeOffset RequestedAt { get; init; }
    public required string RequestedBy { get; init; }
    public DateTimeOffset TimeoutAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? ReplyText { get; init; }
    public IReadOnlyDictionary<string, string>? ReplyData { get; init; }
}

internal sealed record CommandList(IReadOnlyList<CommandItem> Items);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LayerList))]
[JsonSerializable(typeof(LayerChangeItem))]
[JsonSerializable(typeof(GatewayConfigItem))]
[JsonSerializable(typeof(GroupsBody))]
[JsonSerializable(typeof(CommandBody))]
[JsonSerializable(typeof(CommandItem))]
[JsonSerializable(typeof(CommandList))]
internal sealed partial class FleetApiJson : JsonSerializerContext;
