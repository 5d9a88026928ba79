package dev.tapegrad.nn.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the project's shared data folder: the system property {@code tapegrad.shared.data}, or
 * {@code shared/data} beside the repository (CI clones the repository with {@code shared/} next
 * to it), searched upwards from the working directory.
 */
final class SharedData {

    private SharedData() {
    }

    static Optional<Path> root() {
        String property = System.getProperty("tapegrad.shared.data");
        if (property != null && Files.isDirectory(Path.of(property))) {
            return Optional.of(Path.of(property));
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int up = 0; up < 4 && dir != null; up++, dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
            Path sibling = dir.resolveSibling("shared").resolve("data");
            if (Files.isDirectory(sibling)) {
                return Optional.of(sibling);
            }
        }
        return Optional.empty();
    }

    static Optional<Path> folder(String name) {
        return root().map(r -> r.resolve(name)).filter(Files::isDirectory);
    }
}
