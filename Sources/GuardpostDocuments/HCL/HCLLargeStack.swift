#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the HCL parser (and the Terraform loader's evaluation) on a thread of its own with a stack
/// sized for `maxDepth`.
///
/// The parser recurses once per level of nesting and stops at `maxDepth`; in a debug build one level
/// can take ~20 KB of stack, more than a worker thread's stack allows at the default limit of 512.
/// A dedicated thread with 32 KB per level (at least 16 MB, at most 1 GB of address space, touched
/// only as far as the input nests) keeps deep-but-legal input from overflowing whatever thread the
/// caller runs on. If the thread cannot be created, the parse runs on the calling thread.
public enum HCLLargeStack {
    final class Job: @unchecked Sendable {
        let work: () -> Void
        init(_ work: @escaping () -> Void) { self.work = work }
    }

    static func stackSize(forDepth depth: Int) -> Int {
        let wanted = depth.multipliedReportingOverflow(by: 32 << 10)
        let bytes = wanted.overflow ? Int.max : wanted.partialValue + (1 << 20)
        return min(max(bytes, 16 << 20), 1 << 30)
    }

    public static func run<T>(maxDepth: Int, _ body: () throws -> T) throws -> T {
        var result: Result<T, Error>?
        withoutActuallyEscaping(body) { body in
            let job = Job { result = Result { try body() } }
            if !start(job, stackSize: stackSize(forDepth: maxDepth)) { job.work() }
        }
        guard let result else { fatalError("HCL parse thread ended without a result") }
        return try result.get()
    }

    /// Runs `job` on a new thread and waits for it; false if no thread could be created.
    private static func start(_ job: Job, stackSize: Int) -> Bool {
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else { return false }
        defer { pthread_attr_destroy(&attributes) }
        guard pthread_attr_setstacksize(&attributes, stackSize) == 0 else { return false }
        let context = Unmanaged.passRetained(job).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attributes, { raw in
            Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue().work()
            return nil
        }, context)
        guard rc == 0 else { Unmanaged<Job>.fromOpaque(context).release(); return false }
        pthread_join(thread, nil)
        #else
        var thread: pthread_t?
        let rc = pthread_create(&thread, &attributes, { raw in
            Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().work()
            return nil
        }, context)
        guard rc == 0, let thread else { Unmanaged<Job>.fromOpaque(context).release(); return false }
        pthread_join(thread, nil)
        #endif
        return true
    }
}
