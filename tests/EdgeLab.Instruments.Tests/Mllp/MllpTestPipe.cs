using System.IO.Pipelines;

namespace EdgeLab.Instruments.Tests.Mllp;

/// <summary>
/// An in-memory connection between a test (playing the analyzer) and the code under test (the gateway): two pipes,
/// each end a duplex <see cref="Stream"/>. Private to the MLLP tests (no shared in-memory duplex stream exists yet).
/// </summary>
internal sealed class MllpTestPipe
{
    private readonly Pipe _toGateway = new();
    private readonly Pipe _toAnalyzer = new();

    public MllpTestPipe()
    {
        Gateway = new DuplexStream(_toGateway.Reader.AsStream(), _toAnalyzer.Writer.AsStream());
        Analyzer = new DuplexStream(_toAnalyzer.Reader.AsStream(), _toGateway.Writer.AsStream());
    }

    /// <summary>The end the session under test runs on.</summary>
    public Stream Gateway { get; }

    /// <summary>The analyzer's end.</summary>
    public Stream Analyzer { get; }

    /// <summary>Bytes the gateway has written that the analyzer has not read yet, without waiting.</summary>
    public byte[] PeekToAnalyzer()
    {
        if (!_toAnalyzer.Reader.TryRead(out var r)) return [];
        var bytes = System.Buffers.BuffersExtensions.ToArray(r.Buffer);
        _toAnalyzer.Reader.AdvanceTo(r.Buffer.Start);
        return bytes;
    }

    /// <summary>The analyzer hangs up: the gateway's read side ends.</summary>
    public Task CloseAnalyzerAsync() => _toGateway.Writer.CompleteAsync().AsTask();

    /// <summary>The gateway hangs up: the analyzer's read side ends.</summary>
    public Task CloseGatewayAsync() => _toAnalyzer.Writer.CompleteAsync().AsTask();

    private sealed class DuplexStream(Stream read, Stream write) : Stream
    {
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => read.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => read.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => read.ReadAsync(buffer, offset, count, cancellationToken);
        public override void Write(byte[] buffer, int offset, int count) => write.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => write.WriteAsync(buffer, cancellationToken);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => write.WriteAsync(buffer, offset, count, cancellationToken);
        public override void Flush() => write.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => write.FlushAsync(cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
