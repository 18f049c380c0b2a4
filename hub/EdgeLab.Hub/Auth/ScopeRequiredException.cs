namespace EdgeLab.Hub.Auth;

/// <summary>The authenticated client lacks the scope for what it asked (→ 403 OperationOutcome, code <c>forbidden</c>).</summary>
internal sealed class ScopeRequiredException : Exception
{
    public ScopeRequiredException(string resourceType, string access)
        : base($"The client's scopes do not allow {access} on {resourceType}; it needs system/{resourceType}.{access} or system/*.{access}.")
    {
        ResourceType = resourceType;
        Access = access;
    }

    public ScopeRequiredException(string message)
        : base(message)
    {
        ResourceType = "";
        Access = "";
    }

    public ScopeRequiredException()
        : this("The client's scopes do not allow this call.")
    {
    }

    public ScopeRequiredException(string message, Exception innerException)
        : base(message, innerException)
    {
        ResourceType = "";
        Access = "";
    }

    public string ResourceType { get; }
    public string Access { get; }

    public static void ThrowUnlessAllowed(ApiCaller caller, string resourceType, string access)
    {
        if (!caller.Can(resourceType, access)) throw new ScopeRequiredException(resourceType, access);
    }

    public static void ThrowUnlessHas(ApiCaller caller, string scope)
    {
        if (!caller.Has(scope)) throw new ScopeRequiredException($"The client's scopes do not include '{scope}'.");
    }
}
