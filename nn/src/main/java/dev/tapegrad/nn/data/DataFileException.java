package dev.tapegrad.nn.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that is missing, unreadable or not in the expected format. The message always
 * starts with the file and says what is wrong, in one line, for example
 * {@code "train-images-idx3-ubyte.gz: bad magic number 0x00000801, expected 0x00000803 (IDX images)"}.
 */
public class DataFileException extends IOException {

    private final transient Path file;

    /**
     * @param file    the offending file
     * @param problem what is wrong with it (one line)
     */
    public DataFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /**
     * @param file    the offending file
     * @param problem what is wrong with it (one line)
     * @param cause   the underlying I/O error
     */
    public DataFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** @return the offending file */
    public Path file() {
        return file;
    }
}
