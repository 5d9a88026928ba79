package dev.tapegrad.nn.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A data file opened for streaming, gzip or plain (told apart by the magic bytes), that knows how
 * much the file can hold: its length when plain, and for gzip the most a deflate stream of its
 * length can expand to (1,032 to 1). Readers check a header's announced size against that bound
 * and against this JVM's free memory before allocating, and grow their buffers only as data
 * actually arrives, so a corrupt header or a gzip bomb fails fast with a message naming the file.
 */
final class DataStream implements AutoCloseable {

    /** The largest expansion of a deflate stream (258-byte matches from 2-bit codes, about 1032:1). */
    static final long MAX_DEFLATE_RATIO = 1032;
    /** The largest Java array. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final Path file;
    private final long fileSize;
    private final boolean gzip;
    private final InputStream in;
    private long position;

    private DataStream(Path file, long fileSize, boolean gzip, InputStream in) {
        this.file = file;
        this.fileSize = fileSize;
        this.gzip = gzip;
        this.in = in;
    }

    static DataStream open(Path file) throws DataFileException {
        try {
            long size = Files.size(file);
            InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gz = b0 == 0x1F && b1 == 0x8B;
            try {
                InputStream in = gz ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
                return new DataStream(file, size, gz, in);
            } catch (IOException e) {
                raw.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "no such file");
        } catch (IOException e) {
            throw problem(file, e);
        }
    }

    /** @return the decompressed bytes, as a stream (for line-by-line readers) */
    InputStream stream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    position++;
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = in.read(buf, off, len);
                if (n > 0) {
                    position += n;
                }
                return n;
            }
        };
    }

    /** @return the file */
    Path file() {
        return file;
    }

    /** @return the most bytes the file can decompress to */
    long capacity() {
        return gzip ? fileSize * MAX_DEFLATE_RATIO + 1024 : fileSize;
    }

    /** Reads exactly {@code n} header bytes; a short file is "too short for WHAT: x bytes, need HEADER". */
    byte[] readHeader(int n, String what, int headerSize) throws DataFileException {
        byte[] b = new byte[n];
        int got = fill(b, 0, n);
        if (got < n) {
            throw new DataFileException(file, "too short for " + what + ": " + (position) + " bytes, need " + headerSize);
        }
        return b;
    }

    /**
     * Reads a body of {@code length} bytes announced by a header of {@code headerLength} bytes,
     * which must end the file.
     *
     * @param bytesInMemory bytes of memory per body byte the caller will need (for the check)
     */
    byte[] readBody(long headerLength, long length, String what, int bytesInMemory) throws DataFileException {
        long expected = headerLength + length;
        if (!gzip && fileSize != expected) {
            throw new DataFileException(file, lengthProblem(fileSize, expected, what));
        }
        if (gzip && expected > capacity()) {
            throw new DataFileException(file, "the header announces " + what + " (" + expected + " bytes), more than a gzip file of "
                    + fileSize + " bytes can hold (at most " + capacity() + "): corrupt header or truncated file");
        }
        if (length > MAX_ARRAY) {
            throw new DataFileException(file, "the header announces " + what + " (" + expected
                    + " bytes), more than one data set can hold (" + MAX_ARRAY + " values)");
        }
        checkMemory(length * bytesInMemory, what);
        byte[] buf = new byte[(int) Math.min(length, 1 << 20)];
        long got = 0;
        while (got < length) {   // grow as the data arrives: a lying header costs only what the file holds
            if (got == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(length, 2L * buf.length));
            }
            int n = fill(buf, (int) got, buf.length - (int) got);
            got += n;
            if (got < buf.length) {
                throw new DataFileException(file, lengthProblem(headerLength + got, expected, what)
                        + (gzip ? " after decompression" : ""));
            }
        }
        if (read1() >= 0) {
            throw new DataFileException(file, "too long: more than " + expected + " bytes" + (gzip ? " after decompression" : "")
                    + ", but the header announces " + what + " (" + expected + " bytes)");
        }
        return buf;
    }

    /** Reads to the end, failing when the content would not fit in this JVM's memory. */
    byte[] readRest() throws DataFileException {
        byte[] buf = new byte[(int) Math.min(Math.max(capacity(), 16), 1 << 20)];
        int got = 0;
        while (true) {
            if (got == buf.length) {
                if (buf.length >= MAX_ARRAY) {
                    throw new DataFileException(file, "more than " + MAX_ARRAY + " bytes: too large to read at once");
                }
                checkMemory(2L * buf.length * 3, "the file's content");
                buf = Arrays.copyOf(buf, (int) Math.min(MAX_ARRAY, 2L * buf.length));
            }
            int n = fill(buf, got, buf.length - got);
            got += n;
            if (got < buf.length) {
                return Arrays.copyOf(buf, got);
            }
        }
    }

    /** Fails naming the file if {@code bytes} more would not fit in this JVM's free memory. */
    void checkMemory(long bytes, String what) throws DataFileException {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > free) {
            throw new DataFileException(file, what + " need about " + (bytes >> 20) + " MiB of memory, more than the "
                    + (free >> 20) + " MiB this JVM has free (maximum " + (rt.maxMemory() >> 20) + " MiB); use a larger -Xmx");
        }
    }

    private int read1() throws DataFileException {
        try {
            return in.read();
        } catch (IOException e) {
            throw problem(file, e);
        }
    }

    /** Reads until {@code n} bytes or the end; returns how many were read. */
    private int fill(byte[] b, int off, int n) throws DataFileException {
        int got = 0;
        try {
            while (got < n) {
                int r = in.read(b, off + got, n - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
        } catch (IOException e) {
            throw problem(file, e);
        } finally {
            position += got;
        }
        return got;
    }

    static DataFileException problem(Path file, IOException e) {
        if (e instanceof DataFileException d) {
            return d;
        }
        if (e instanceof EOFException) {
            return new DataFileException(file, "truncated gzip stream (the download may be incomplete)", e);
        }
        if (e instanceof ZipException) {
            return new DataFileException(file, "corrupt gzip stream: " + e.getMessage(), e);
        }
        return new DataFileException(file, "cannot read: " + e.getMessage(), e);
    }

    static String lengthProblem(long actual, long expected, String what) {
        return (actual < expected ? "truncated: " : "too long: ") + actual + " bytes, but the header announces "
                + what + " (" + expected + " bytes)";
    }

    @Override
    public void close() throws DataFileException {
        try {
            in.close();
        } catch (IOException e) {
            throw problem(file, e);
        }
    }
}
