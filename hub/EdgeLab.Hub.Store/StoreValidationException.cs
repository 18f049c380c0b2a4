namespace EdgeLab.Hub.Store;

/// <summary>A write the store refused because of the caller's input (maps to HTTP 4xx); the message names cause and fix.</summary>
public sealed class StoreValidationException(string message) : Exception(message);
