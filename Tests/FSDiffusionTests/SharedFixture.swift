import FSTestSupport
import XCTest

/// `SharedFiles.fixture` (../shared/fixtures/<relative>), with an absent ../shared turned into an XCTSkip.
func sharedFixture(_ relative: String) throws -> String { try skippingIfAbsent { try SharedFiles.fixture(relative) } }

/// Runs `body`; a `SharedFiles.Absent` it throws becomes an XCTSkip with its reason.
func skippingIfAbsent<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let absent as SharedFiles.Absent { throw XCTSkip(absent.reason) }
}
