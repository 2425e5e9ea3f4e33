/// The children of the containers a parser has open, on one stack shared by all of them: a container's
/// children are pushed while it is open and moved into an exactly sized array when it closes.
///
/// Compared with one growing array per open container: one allocation per container instead of one
/// per doubling, no unused capacity kept in the tree, and no retain/release to move the children.
/// Containers nest, so a container's children are always the top of the stack when it closes.
final class ChildStack<Element> {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always)
    func push(_ element: __owned Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    /// The element at `index` (in place: no copy of the element).
    @inline(__always)
    func withElement<R>(at index: Int, _ body: (inout Element) throws -> R) rethrows -> R {
        try body(&base[index])
    }

    /// Moves the elements from `start` to the top into a new array of exactly that size.
    func pop(from start: Int) -> [Element] {
        let k = count - start
        guard k > 0 else { return [] }
        let out = [Element](unsafeUninitializedCapacity: k) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: base + start, count: k)
            initialized = k
        }
        count = start
        return out
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}
