package io.ferry.net;

import io.netty.channel.unix.Errors;
import java.io.IOException;

/**
 * What a failed {@code accept} or {@code socket} says about the process's own resources: it has
 * run out of descriptors (its limit or the system's) or of memory for sockets. Such a failure
 * passes once a connection closes, and says nothing about the client or the server, so it is
 * neither's error: HAProxy logs it as a resource shortage ({@code R} in the termination state).
 *
 * <pre>{@code
 * ResourceShortage.of(cause)   // PROCESS_FILES for "accept(..) failed: Too many open files"
 * }</pre>
 */
public enum ResourceShortage {

    // ENFILE before EMFILE: its text begins with EMFILE's, and of() takes the first that matches.
    /** {@code ENFILE}: the system's limit of open files ({@code fs.file-max}). */
    SYSTEM_FILES(23, "Too many open files in system",
            "the system has reached its limit of open files",
            "raise fs.file-max (sysctl) or lower maxconn"),
    /** {@code EMFILE}: the process's limit of open files ({@code ulimit -n}, {@code LimitNOFILE=}). */
    PROCESS_FILES(24, "Too many open files",
            "the process has reached its limit of open files",
            "raise the limit (LimitNOFILE= in the systemd unit, or ulimit -n) or lower maxconn"),
    /** {@code ENOBUFS}: the kernel could not allocate socket buffers. */
    SOCKET_BUFFERS(105, "No buffer space available",
            "the system has no buffer space left for sockets",
            "lower maxconn, or give the system more memory"),
    /** {@code ENOMEM}: the kernel could not allocate memory for the socket. */
    MEMORY(12, "Cannot allocate memory",
            "the system has no memory left for sockets",
            "lower maxconn, or give the system more memory");

    private final int errno;
    private final String message;
    private final String says;
    private final String fix;

    ResourceShortage(int errno, String message, String says, String fix) {
        this.errno = errno;
        this.message = message;
        this.says = says;
        this.fix = fix;
    }

    /** The system's text for the error: {@code Too many open files}. */
    public String strerror() {
        return message;
    }

    /** What ran out, as a clause: "the process has reached its limit of open files". */
    public String says() {
        return says;
    }

    /** What the operator can do about it. */
    public String fix() {
        return fix;
    }

    /**
     * The shortage {@code failure} or one of its causes reports: from the error number of a native
     * transport's exception, or the message of the JDK's (NIO); null when it reports none.
     */
    public static ResourceShortage of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            for (ResourceShortage s : values()) {
                boolean says = t instanceof Errors.NativeIoException n ? -n.expectedErr() == s.errno
                        : t instanceof IOException && t.getMessage() != null && t.getMessage().contains(s.message);
                if (says) {
                    return s;
                }
            }
        }
        return null;
    }
}
