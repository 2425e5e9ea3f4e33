import Dispatch
import GuardpostDocuments

/// Reads every input (files, folders, standard input), classifies each document by its content and
/// runs the matching loader. Files are read and parsed in parallel; results are merged in path order,
/// so the output does not depend on the number of workers.
public enum InputLoader {
    public struct Options: Sendable {
        /// Parallel workers; 0 means one per core.
        public var workers: Int
        public var limits: ParseLimits
        /// Region to assume for CloudFormation templates (`AWS::Region`), from the configuration file.
        public var region: String?

        public init(workers: Int = 0, limits: ParseLimits = .default, region: String? = nil) {
            self.workers = workers
            self.limits = limits
            self.region = region
        }
    }

    /// One file's outcome.
    struct FileLoad {
        var result = LoadResult()
        var terraformJSON: (file: SourceFile, root: Node)?
        var terraformHCL: (file: SourceFile, body: HCLBody)?
    }

    public static func load(paths: [String], options: Options = Options()) -> LoadResult {
        let (entries, problems) = FileWalker.collect(paths)
        var result = LoadResult()
        for p in problems {
            let f = SourceFile(path: p.path)
            result.diagnostics.append(Diagnostic(kind: .unreadable, severity: .error, location: Location(file: f, line: 1, column: 1), message: p.message))
        }
        var loads = [FileLoad](repeating: FileLoad(), count: entries.count)
        let workers = options.workers > 0 ? options.workers : ProcessInfoLite.activeProcessorCount
        if workers <= 1 || entries.count < 2 {
            for (i, e) in entries.enumerated() { loads[i] = loadEntry(e, options: options) }
        } else {
            let lock = SpinLock()
            var next = 0
            loads.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress!
                DispatchQueue.concurrentPerform(iterations: min(workers, entries.count)) { _ in
                    while true {
                        lock.lock()
                        let i = next
                        next += 1
                        lock.unlock()
                        if i >= entries.count { break }
                        (base + i).pointee = loadEntry(entries[i], options: options)
                    }
                }
            }
        }
        var terraformDirs: [String: TerraformHCLLoader.Directory] = [:]
        var dirOrder: [String] = []
        for load in loads {
            result.append(load.result)
            for file in [load.terraformJSON?.file, load.terraformHCL?.file].compactMap({ $0 }) {
                let dir = directory(of: file.path)
                if terraformDirs[dir] == nil { dirOrder.append(dir); terraformDirs[dir] = TerraformHCLLoader.Directory(path: dir) }
            }
            if let tf = load.terraformJSON { terraformDirs[directory(of: tf.file.path)]!.json.append(tf) }
            if let tf = load.terraformHCL { terraformDirs[directory(of: tf.file.path)]!.native.append(tf) }
        }
        let directories = dirOrder.map { terraformDirs[$0]! }
        if directories.contains(where: { !$0.native.isEmpty }) {
            // .tf files (with any .tf.json beside them), and local modules followed across folders.
            result.append(TerraformHCLLoader.load(directories: directories, limits: options.limits))
        } else {
            for dir in directories { result.append(TerraformJSONLoader.load(documents: dir.json, directory: dir.path)) }
        }
        return result
    }

    /// Loads in-memory content (tests, standard input).
    public static func load(bytes: [UInt8], path: String, options: Options = Options()) -> LoadResult {
        if path.hasSuffix(".tf") {
            var load = loadHCL(bytes, file: SourceFile(path: path), options: options)
            if let tf = load.terraformHCL {
                load.result.append(TerraformHCLLoader.load(directories: [.init(path: directory(of: path), native: [tf])], limits: options.limits))
            }
            return load.result
        }
        var load = loadBytes(bytes, file: SourceFile(path: path), options: options)
        if let tf = load.terraformJSON {
            load.result.append(TerraformJSONLoader.load(documents: [tf], directory: directory(of: path)))
        }
        return load.result
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    static func loadEntry(_ entry: FileWalker.Entry, options: Options) -> FileLoad {
        let file = SourceFile(path: entry.path)
        var load = FileLoad()
        switch entry.kind {
        case .hcl where !entry.path.hasSuffix(".tf"):
            load.result.classified.append((file, nil))
            load.result.diagnostics.append(Diagnostic(kind: .unsupported, severity: .warning, location: Location(file: file, line: 1, column: 1),
                message: "HCL (.hcl) is not read by this version: only Terraform configurations (.tf, .tf.json), plans, CloudFormation and Kubernetes files are"))
            return load
        case .standardInput, .file, .hcl:
            let bytes: [UInt8]
            do {
                bytes = entry.kind == .standardInput ? try SourceReader.readStandardInput(limits: options.limits)
                                                     : try SourceReader.read(path: entry.path, limits: options.limits)
            } catch let e as ParseError {
                load.result.classified.append((file, nil))
                load.result.diagnostics.append(Diagnostic(kind: .unreadable, severity: .error, location: e.location, message: e.message))
                return load
            } catch {
                load.result.classified.append((file, nil))
                load.result.diagnostics.append(Diagnostic(kind: .unreadable, severity: .error, location: Location(file: file, line: 1, column: 1), message: "\(error)"))
                return load
            }
            return entry.kind == .hcl ? loadHCL(bytes, file: file, options: options) : loadBytes(bytes, file: file, options: options)
        }
    }

    /// A `.tf` file: parsed here (in parallel with other files); read as a module with its folder later.
    static func loadHCL(_ bytes: [UInt8], file: SourceFile, options: Options) -> FileLoad {
        var load = FileLoad()
        do {
            let body = try HCLReader.parse(bytes, file: file, limits: options.limits)
            load.terraformHCL = (file, body)
            load.result.classified.append((file, .terraformHCL))
        } catch let e as ParseError {
            load.result.classified.append((file, nil))
            load.result.diagnostics.append(Diagnostic(kind: .parseError, severity: .error, location: e.location, message: e.message))
        } catch {
            load.result.classified.append((file, nil))
            load.result.diagnostics.append(Diagnostic(kind: .parseError, severity: .error, location: Location(file: file, line: 1, column: 1), message: "\(error)"))
        }
        return load
    }

    static func loadBytes(_ bytes: [UInt8], file: SourceFile, options: Options) -> FileLoad {
        var load = FileLoad()
        let documents: [Node]
        do {
            let read = try DocumentReader.read(bytes: bytes, file: file, limits: options.limits)
            documents = read.documents
            for w in read.warnings {
                load.result.diagnostics.append(Diagnostic(kind: .parseError, severity: .warning, location: w.location, message: w.message))
            }
        } catch let e as ParseError {
            load.result.classified.append((file, nil))
            load.result.diagnostics.append(Diagnostic(kind: .parseError, severity: .error, location: e.location, message: e.message))
            return load
        } catch {
            load.result.classified.append((file, nil))
            load.result.diagnostics.append(Diagnostic(kind: .parseError, severity: .error, location: Location(file: file, line: 1, column: 1), message: "\(error)"))
            return load
        }
        var format: InputFormat?
        for doc in documents {
            if doc.isNull { continue }
            if TerraformPlanLoader.isPlan(doc) {
                format = .terraformPlan
                load.result.append(TerraformPlanLoader.load(doc, file: file))
            } else if TerraformPlanLoader.isState(doc) {
                format = format ?? .terraformPlan
                load.result.diagnostics.append(Diagnostic(kind: .unsupported, severity: .error, location: doc.location,
                    message: "this is Terraform state (`terraform show -json` without a plan): it has `values` but no `planned_values`; scan a plan: `terraform plan -out=tfplan && terraform show -json tfplan > plan.json`"))
            } else if CloudFormationLoader.isTemplate(doc) {
                format = .cloudFormation
                load.result.append(CloudFormationLoader.load(doc, file: file, region: options.region))
            } else if TerraformJSONLoader.isConfiguration(doc) {
                format = .terraformJSON
                load.terraformJSON = (file, doc)
            } else if KubernetesLoader.isManifest(doc) {
                format = format ?? .kubernetes
                load.result.append(KubernetesLoader.load(doc))
            }
        }
        load.result.classified.append((file, format))
        if format == nil, documents.contains(where: { !$0.isNull }) {
            load.result.diagnostics.append(Diagnostic(kind: .unsupported, severity: .info, location: Location(file: file, line: 1, column: 1),
                message: "not a Terraform plan, .tf.json configuration, CloudFormation template or Kubernetes manifest; ignored"))
        }
        return load
    }
}

/// A minimal lock for the work queue (no Foundation in the scan path).
final class SpinLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func lock() { pthread_mutex_lock(&mutex) }
    func unlock() { pthread_mutex_unlock(&mutex) }
}

enum ProcessInfoLite {
    static var activeProcessorCount: Int {
        let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return n > 0 ? Int(n) : 1
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
