import Foundation

/// The short reason of a file-system error for a one-line message: the POSIX text ("Permission denied")
/// when there is one, else Foundation's description.
public enum ErrorReason {
    public static func text(_ error: Error) -> String {
        let ns = error as NSError
        if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(u.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}
