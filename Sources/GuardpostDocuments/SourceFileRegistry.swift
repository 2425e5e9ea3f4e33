#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps every `SourceFile` alive for the life of the process, so that `Location` can refer to its file
/// without reference counting (millions of locations are copied while a scan builds and links trees;
/// each retain/release of a shared object is an atomic operation). The cost is one path string per
/// file ever read.
enum SourceFileRegistry {
    private final class Storage: @unchecked Sendable {
        var mutex = pthread_mutex_t()
        var files: [SourceFile] = []
        init() { pthread_mutex_init(&mutex, nil) }
    }
    private static let storage = Storage()

    static func keepAlive(_ file: SourceFile) {
        pthread_mutex_lock(&storage.mutex)
        storage.files.append(file)
        pthread_mutex_unlock(&storage.mutex)
    }
}
