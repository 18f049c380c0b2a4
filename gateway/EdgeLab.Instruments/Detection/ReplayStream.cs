namespace EdgeLab.Instruments.Detection;

/// <summary>
/// A connection whose first bytes were already read (while detecting what listens on it): reads give those bytes
/// again, then the connection's; writes go to the connection. This is how nothing heard during detection is lost —
/// the link session reads the analyzer's ENQ or MLLP block as if it had just arrived.
/// </summary>
internal sealed class ReplayStream(ReadOnlyMemory<byte> heard, Stream connection) : Stream
{
    private ReadOnlyMemory<byte> _heard = heard;

    public Stream Connection => connection;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_heard.IsEmpty) return connection.Read(buffer);
        return TakeHeard(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_heard.IsEmpty) return connection.ReadAsync(buffer, cancellationToken);
        return ValueTask.FromResult(TakeHeard(buffer.Span));
    }

    private int TakeHeard(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _heard.Length);
        _heard.Span[..n].CopyTo(buffer);
        _heard = _heard[n..];
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => connection.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => connection.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        connection.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        connection.WriteAsync(buffer, cancellationToken);

    public override void Flush() => connection.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => connection.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) connection.Dispose();
        base.Dispose(disposing);
    }
}
