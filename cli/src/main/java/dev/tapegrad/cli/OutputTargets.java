package dev.tapegrad.cli;

import dev.tapegrad.nn.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The files a command will write, checked before any long computation: each names a file in an
 * existing, writable directory (a file is created there and removed), no two options name the
 * same file, and a picture's extension is one that can be written. A run is never wasted on a
 * target that cannot be written at the end.
 */
final class OutputTargets {

    private final Map<String, Path> targets = new LinkedHashMap<>();

    /**
     * @param option the option, for messages ({@code --save})
     * @param file   its file, or null when not given
     * @return this
     */
    OutputTargets add(String option, Path file) {
        if (file != null) {
            targets.put(option, file);
        }
        return this;
    }

    /** @return whether {@code file} names a picture format {@link Charts} writes (.png, .jpg, .jpeg) */
    static boolean isPicture(Path file) {
        String n = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /**
     * Checks every target.
     *
     * @throws CliException a usage error for clashing names or a bad extension, else a one-line
     *                      failure naming the target that cannot be written
     */
    void check() {
        Map<Path, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : targets.entrySet()) {
            Path norm = e.getValue().toAbsolutePath().normalize();
            String before = seen.putIfAbsent(norm, e.getKey());
            if (before != null) {
                throw new CliException("usage: " + before + " and " + e.getKey() + " both name " + e.getValue()
                        + "; one would overwrite the other");
            }
            if (e.getKey().equals("--plot") && !isPicture(e.getValue())) {
                throw new CliException("usage: --plot " + e.getValue() + ": the curves are written as PNG or JPEG; name the file .png, .jpg or .jpeg");
            }
        }
        for (Map.Entry<String, Path> e : targets.entrySet()) {
            try {
                AtomicFiles.checkWritable(e.getValue());
            } catch (IOException ex) {
                throw new CliException(e.getKey() + ": " + TapegradCommand.oneLine(ex.getMessage()));
            }
        }
    }
}
