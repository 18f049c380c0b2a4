using System.Runtime.InteropServices;

namespace EdgeLab.Instruments.Transport;

/// <summary>
/// One thread waits in poll(2) for every serial and evdev descriptor of the process, instead of one blocked read
/// per port on a thread-pool thread (eight analyzers on a box would hold eight pool threads, and the pool injects
/// threads slowly). A stream tries read(2)/write(2) first; only on EAGAIN does it ask <see cref="WaitAsync"/> for
/// readiness, and the poll loop completes that wait with the returned events (POLLIN, POLLOUT, POLLHUP, POLLERR…).
/// Poll is level-triggered, so a wait registered after the data arrived still completes at once.
/// An eventfd wakes the loop when a wait is added or cancelled, so the descriptor set is rebuilt without a timeout.
/// </summary>
internal sealed class DescriptorPoller
{
    private static readonly Lazy<DescriptorPoller> LazyShared = new(() => new DescriptorPoller());
    private readonly object _gate = new();
    private readonly List<Waiter> _waiters = [];
    private readonly int _wakeFd;
    private readonly Thread _thread;
    private static int _threadsStarted;

    /// <summary>The process's one poll loop; its thread starts with the first serial port.</summary>
    public static DescriptorPoller Shared => LazyShared.Value;

    /// <summary>How many poll threads this process has started (one, once any port has waited): for tests and bench.</summary>
    public static int ThreadsStarted => Volatile.Read(ref _threadsStarted);

    /// <summary>Waits registered right now (tests: a cancelled wait must leave the set).</summary>
    public int PendingWaits
    {
        get
        {
            lock (_gate) return _waiters.Count;
        }
    }

    private DescriptorPoller()
    {
        _wakeFd = LinuxNative.EventFd(0, LinuxNative.O_NONBLOCK | LinuxNative.O_CLOEXEC);
        if (_wakeFd < 0)
            throw new IOException($"cannot create the serial poll loop's eventfd: {LinuxNative.ErrorText(Marshal.GetLastPInvokeError())}");
        _thread = new Thread(Run) { IsBackground = true, Name = "edgelab-serial-poll" };
        _thread.Start();
        Interlocked.Increment(ref _threadsStarted);
    }

    /// <summary>
    /// Completes with the poll events of <paramref name="fd"/> once any of <paramref name="events"/> (or a hang-up or
    /// error, which poll always reports) is set. The caller keeps the descriptor open until this completes or is
    /// cancelled. Continuations run on the thread pool, never on the poll thread.
    /// </summary>
    public Task<short> WaitAsync(int fd, short events, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<short>(cancellationToken);
        var waiter = new Waiter(this, fd, events);
        lock (_gate) _waiters.Add(waiter);
        if (cancellationToken.CanBeCanceled)
            waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).Cancel(token), waiter);
        Wake();
        return waiter.Task;
    }

    private bool Remove(Waiter waiter)
    {
        lock (_gate) return _waiters.Remove(waiter);
    }

    private unsafe void Wake()
    {
        ulong one = 1;
        // A full counter (EAGAIN) still means "wake up"; nothing else can fail on a valid eventfd.
        _ = LinuxNative.Write(_wakeFd, (byte*)&one, sizeof(ulong));
    }

    private unsafe void Run()
    {
        var fds = new LinuxNative.PollFd[16];
        var snapshot = new Waiter[16];
        while (true)
        {
            int count;
            lock (_gate)
            {
                count = _waiters.Count;
                if (fds.Length < count + 1)
                {
                    fds = new LinuxNative.PollFd[(count + 1) * 2];
                    snapshot = new Waiter[(count + 1) * 2];
                }
                for (var i = 0; i < count; i++)
                {
                    snapshot[i] = _waiters[i];
                    fds[i + 1] = new LinuxNative.PollFd { Fd = _waiters[i].Fd, Events = _waiters[i].Events };
                }
            }
            fds[0] = new LinuxNative.PollFd { Fd = _wakeFd, Events = LinuxNative.POLLIN };
            int rc;
            fixed (LinuxNative.PollFd* p = fds) rc = LinuxNative.Poll(p, (nuint)(count + 1), -1);
            if (rc < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LinuxNative.EINTR) continue;
                // Cannot happen with valid arguments; fail the waits so their streams report it instead of hanging.
                var error = new IOException($"poll(2) over the serial ports failed: {LinuxNative.ErrorText(errno)}");
                for (var i = 0; i < count; i++)
                    if (Remove(snapshot[i])) snapshot[i].Fail(error);
                continue;
            }
            if (fds[0].Revents != 0)
            {
                ulong drained;
                _ = LinuxNative.Read(_wakeFd, (byte*)&drained, sizeof(ulong));
            }
            for (var i = 0; i < count; i++)
            {
                var revents = fds[i + 1].Revents;
                // A waiter cancelled meanwhile is no longer in the list; its descriptor may already be closed.
                if (revents != 0 && Remove(snapshot[i])) snapshot[i].Complete(revents);
                snapshot[i] = null!;
            }
        }
    }

    private sealed class Waiter(DescriptorPoller owner, int fd, short events)
        : TaskCompletionSource<short>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public int Fd { get; } = fd;
        public short Events { get; } = events;
        public CancellationTokenRegistration Registration { get; set; }

        public void Complete(short revents)
        {
            Registration.Dispose();
            TrySetResult(revents);
        }

        public void Fail(Exception error)
        {
            Registration.Dispose();
            TrySetException(error);
        }

        public void Cancel(CancellationToken token)
        {
            if (owner.Remove(this))
            {
                owner.Wake();
                TrySetCanceled(token);
            }
        }
    }
}
