package dev.tapegrad.nn;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a file so that it is either completely replaced or left as it was: the bytes go to a
 * temporary file {@code .<name>.<pid>.tmp} beside the target, are forced to the disk, and the
 * temporary file is then renamed over the target (atomically where the file system allows). A
 * failed write (a full disk, a read-only directory, a crash of the writer) therefore never leaves
 * a half-written or empty target, and the temporary file is removed. Temporary files left by a
 * process that was killed mid-write are removed by the next write to the same target.
 *
 * <pre>{@code
 * AtomicFiles.write(Path.of("history.csv"), out -> out.write(csv.getBytes(StandardCharsets.UTF_8)));
 * }</pre>
 */
public final class AtomicFiles {

    private static final Pattern TEMP = Pattern.compile("\\.(.+)\\.(\\d+)\\.tmp");

    private AtomicFiles() {
    }

    /** What writes the file's bytes. */
    @FunctionalInterface
    public interface Body {
        /**
         * @param out the stream to write to (buffered; do not close it)
         * @throws IOException if writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces {@code target} with what {@code body} writes.
     *
     * @param target the file to write
     * @param body   writes the content
     * @throws IOException naming the target (never the temporary file) if anything fails; the
     *                     target is then unchanged
     */
    public static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": directory " + dir + " does not exist");
        }
        removeStaleTemporaries(abs);
        Path tmp = temporaryFor(abs, ProcessHandle.current().pid());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                body.writeTo(out);
                out.flush();
                ch.force(true);   // on the disk before the rename, so that a crash cannot leave an empty target
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + reason(e), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Checks, before a long computation, that {@code target} can be written later: its directory
     * exists and a file can be created in it (the check creates and removes the temporary file
     * {@link #write} would use). Stale temporary files of the target are removed.
     *
     * @param target the file that will be written
     * @throws IOException naming the target and the reason if it cannot be written
     */
    public static void checkWritable(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": directory " + dir + " does not exist");
        }
        if (Files.isDirectory(abs)) {
            throw new IOException("cannot write " + target + ": it is a directory");
        }
        removeStaleTemporaries(abs);
        Path tmp = temporaryFor(abs, ProcessHandle.current().pid());
        try {
            Files.newOutputStream(tmp).close();
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + reason(e), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // it could not be created in the first place
            }
        }
    }

    /**
     * @param target a target file
     * @param pid    a process id
     * @return the temporary file that process uses while writing {@code target}
     */
    static Path temporaryFor(Path target, long pid) {
        return target.resolveSibling("." + target.getFileName() + "." + pid + ".tmp");
    }

    /** Deletes {@code .<name>.<pid>.tmp} files of the target whose process is no longer alive. */
    static void removeStaleTemporaries(Path target) {
        String name = target.getFileName().toString();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(target.getParent(), "." + globEscape(name) + ".*.tmp")) {
            for (Path p : ds) {
                Matcher m = TEMP.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).equals(name)) {
                    long pid = Long.parseLong(m.group(2));
                    if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue;   // another live process is writing it right now
                    }
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover we cannot list or delete does not stop the write
        }
    }

    private static String globEscape(String s) {
        return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fse) {
            // its message is the (temporary) file's name: say what failed instead
            return fse.getReason() != null ? fse.getReason() : "no file can be created in that directory";
        }
        return m == null ? kind : m;
    }
}
