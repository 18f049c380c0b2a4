using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Instruments.Tests.Support;

/// <summary>An <see cref="ILogger"/> that keeps every formatted line with its level and event id, for asserting what a component logged.</summary>
public sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, EventId EventId, string Message)> Entries { get; } = new();

    public IEnumerable<string> Messages => Entries.Select(e => e.Message);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Entries.Enqueue((logLevel, eventId, formatter(state, exception)));
    }
}

/// <summary>A typed <see cref="RecordingLogger"/> for constructors that ask for <see cref="ILogger{T}"/>.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    public RecordingLogger Inner { get; } = new();

    public IEnumerable<string> Messages => Inner.Messages;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => Inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Inner.Log(logLevel, eventId, state, exception, formatter);
}
