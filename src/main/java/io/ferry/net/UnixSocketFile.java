package io.ferry.net;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.EnumSet;
import java.util.Set;

/**
 * The file of a listening unix socket. As HAProxy does, the socket is bound under a temporary name
 * beside its path ({@code PATH.PID.tmp}), given its permissions and owner there, and then renamed
 * over the path: a socket file left by an earlier process is replaced in one step, and clients
 * never find a socket with the wrong permissions. A regular file or a directory at the path is
 * never replaced. The file is removed when its listener closes, unless something else has been
 * put at the path since.
 */
public final class UnixSocketFile {

    /**
     * What a unix listener's file should be: permissions and owner, each unset when negative or null.
     *
     * @param mode permissions, as in {@code chmod}, -1 for what the umask gives
     * @param user owner by name, or null
     * @param uid owner by number, or -1
     * @param group group by name, or null
     * @param gid group by number, or -1
     */
    public record Options(int mode, String user, int uid, String group, int gid) {
    }

    private final Path path;
    private volatile Object placedKey;

    UnixSocketFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** Where to bind before {@link #place}: a free temporary name beside the path. */
    Path temporary() {
        refuseNonSocket();
        Path tmp = path.resolveSibling(path.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + tmp + ": " + e.getMessage(), e);
        }
        return tmp;
    }

    /** Gives the socket bound at {@code tmp} its permissions and owner, then renames it to the path. */
    void place(Path tmp, Options options) {
        try {
            apply(tmp, options);
            refuseNonSocket();
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            placedKey = key(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up socket file " + path + ": " + describe(e), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do: the listener is closed by the caller
            }
        }
    }

    /** Applies {@code options} to the socket at the path (a reload may change them). */
    void update(Options options) {
        try {
            apply(path, options);
        } catch (IOException e) {
            throw new IllegalStateException("cannot set the permissions or owner of unix socket " + path + ": "
                    + describe(e), e);
        }
    }

    /** Removes the socket file, if it is still the one {@link #place} put there. */
    void remove() {
        Object placed = placedKey;
        if (placed == null) {
            return;
        }
        try {
            if (placed.equals(key(path))) {
                Files.delete(path);
            }
        } catch (NoSuchFileException gone) {
            // removed by someone else: nothing to do
        } catch (IOException ignored) {
            // the file stays: a later bind replaces it
        }
        placedKey = null;
    }

    private void refuseNonSocket() {
        if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("a " + (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "directory"
                    : "regular file") + " is at " + path + ", and Ferry replaces only a socket file there");
        }
    }

    private static Object key(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private static void apply(Path p, Options o) throws IOException {
        if (o.mode() >= 0) {
            Files.setPosixFilePermissions(p, permissions(o.mode()));
        }
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        if (o.user() != null) {
            Files.setOwner(p, lookUp(o.user(), users::lookupPrincipalByName));
        }
        if (o.uid() >= 0) {
            Files.setAttribute(p, "unix:uid", o.uid(), LinkOption.NOFOLLOW_LINKS);
        }
        if (o.group() != null) {
            Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setGroup(lookUp(o.group(), users::lookupPrincipalByGroupName));
        }
        if (o.gid() >= 0) {
            Files.setAttribute(p, "unix:gid", o.gid(), LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** One lookup of the operating system's users or groups. */
    private interface Lookup<T> {
        T find(String name) throws IOException;
    }

    /**
     * Looks {@code name} up; a name not found is reported with the name asked for, which some JDKs
     * (25) leave out of the exception they throw.
     */
    private static <T> T lookUp(String name, Lookup<T> lookup) throws IOException {
        try {
            return lookup.find(name);
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            java.nio.file.attribute.UserPrincipalNotFoundException named =
                    new java.nio.file.attribute.UserPrincipalNotFoundException(name);
            named.initCause(e);
            throw named;
        }
    }

    /** {@code mode} in octal as a set of permissions (the set-id and sticky bits do not apply to sockets). */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.attribute.UserPrincipalNotFoundException u) {
            return "no user or group named '" + u.getName() + "'";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.toString();
    }
}
