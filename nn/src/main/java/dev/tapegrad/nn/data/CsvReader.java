package dev.tapegrad.nn.data;

import dev.tapegrad.nn.Dataset;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a labelled data set from a CSV file (gzip or plain): one sample per line, numeric
 * features, one label column.
 *
 * <p>Labels may be non-negative integers (class {@code k} is label {@code k}) or names (the
 * classes are the distinct names, sorted). Every feature must be a finite number; a bad cell is
 * reported with its file, line and column:
 * {@code "data.csv: line 7, column 3: 'abc' is not a number"}. Empty lines are skipped.
 *
 * <pre>{@code
 * Dataset d = CsvReader.builder().header(true).labelColumn(-1).build().read(Path.of("data.csv"));
 * }</pre>
 */
public final class CsvReader {

    /** A {@link Builder#labelColumn(int)} value for files without labels: every column is a feature, every label 0. */
    public static final int NO_LABEL = Integer.MIN_VALUE;

    /** The longest record accepted, in characters (a file without line breaks must not fill the memory). */
    static final int MAX_RECORD = 1 << 22;

    private final Boolean header;
    private final int labelColumn;
    private final char delimiter;
    private final int classes;

    private CsvReader(Builder b) {
        this.header = b.header;
        this.labelColumn = b.labelColumn;
        this.delimiter = b.delimiter;
        this.classes = b.classes;
    }

    /**
     * @return a builder: header detected (a first line whose cells, label aside, are not all
     *         numbers), label in the last column, comma-separated, classes from the labels
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a {@link CsvReader}. */
    public static final class Builder {
        private Boolean header;
        private int labelColumn = -1;
        private char delimiter = ',';
        private int classes;

        private Builder() {
        }

        /**
         * @param hasHeader whether the first non-empty line is a header to skip (without this
         *                  call it is detected: a header is a first line with a cell, the label's
         *                  aside, that is not a number)
         * @return this builder
         */
        public Builder header(boolean hasHeader) {
            this.header = hasHeader;
            return this;
        }

        /**
         * @param column the label column, 0-based; negative counts from the end (-1 = last);
         *               {@link #NO_LABEL} for a file of features only
         * @return this builder
         */
        public Builder labelColumn(int column) {
            this.labelColumn = column;
            return this;
        }

        /**
         * @param separator the field separator (',' by default; ';' and '\t' are common)
         * @return this builder
         */
        public Builder delimiter(char separator) {
            this.delimiter = separator;
            return this;
        }

        /**
         * @param count the number of classes (integer labels must be below it; named labels must
         *              be exactly this many); 0, the default, takes the classes from the labels
         * @return this builder
         */
        public Builder classes(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("CsvReader: class count " + count + " must be 0 (from the labels) or more");
            }
            this.classes = count;
            return this;
        }

        /** @return the reader */
        public CsvReader build() {
            return new CsvReader(this);
        }
    }

    /** The header line (if any) and the data set read from a file. @param header the header cells, or empty @param dataset the data */
    public record Result(List<String> header, Dataset dataset) {
    }

    /**
     * Reads a file into a data set.
     *
     * @param file the CSV file, gzip or plain
     * @return the data set: sample shape {@code [columns - 1]}
     * @throws DataFileException if the file is missing, unreadable, empty, ragged or holds a non-number
     */
    public Dataset read(Path file) throws DataFileException {
        return readWithHeader(file).dataset();
    }

    /**
     * Reads a file into a data set and also returns its header cells.
     *
     * @param file the CSV file, gzip or plain
     * @return the header cells (empty without a header) and the data set
     * @throws DataFileException if the file is missing, unreadable, empty, ragged or holds a non-number
     */
    public Result readWithHeader(Path file) throws DataFileException {
        try (DataStream in = DataStream.open(file)) {
            return parse(new InputStreamReader(in.stream(), StandardCharsets.UTF_8), file, in);
        }
    }

    /**
     * Parses CSV text already in memory (for example a resource); {@code file} only names it in messages.
     *
     * @param bytes the (decompressed) UTF-8 text
     * @param file  the name used in messages and as the data set's name
     * @return the header cells and the data set
     * @throws DataFileException if the text is empty, ragged or holds a non-number
     */
    public Result parse(byte[] bytes, Path file) throws DataFileException {
        return parse(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8), file, null);
    }

    private Result parse(Reader reader, Path file, DataStream source) throws DataFileException {
        List<String> headerCells = List.of();
        List<double[]> rows = new ArrayList<>();
        List<String> rawLabels = new ArrayList<>();
        List<Integer> labelLines = new ArrayList<>();
        int columns = -1;
        int labelIndex = -1;
        try (Records in = new Records(new BufferedReader(reader, 1 << 16), delimiter, file)) {
            String[] cells;
            int lineNo = 0;
            boolean first = true;
            while ((cells = in.next()) != null) {
                lineNo = in.line();
                if (first) {
                    first = false;
                    if (header != null ? header : looksLikeHeader(cells)) {
                        headerCells = Arrays.stream(cells).map(String::trim).toList();
                        continue;
                    }
                }
                if (source != null && (rows.size() & 4095) == 4095) {
                    source.checkMemory((long) rows.size() * (16L + 8L * cells.length) * 2, rows.size() + " rows");
                }
                if (columns < 0) {
                    columns = cells.length;
                    if (labelColumn == NO_LABEL) {
                        labelIndex = -1;
                    } else if (columns < 2) {
                        throw new DataFileException(file, "line " + lineNo + " has " + columns
                                + " column; need at least one feature and a label");
                    }
                    if (labelColumn != NO_LABEL) {
                        labelIndex = labelColumn < 0 ? columns + labelColumn : labelColumn;
                    }
                    if (labelColumn != NO_LABEL && (labelIndex < 0 || labelIndex >= columns)) {
                        throw new DataFileException(file, "label column " + labelColumn + " does not exist: line "
                                + lineNo + " has " + columns + " columns");
                    }
                } else if (cells.length != columns) {
                    throw new DataFileException(file, "line " + lineNo + " has " + cells.length + " columns, expected "
                            + columns + " like the first data line");
                }
                double[] row = new double[labelIndex < 0 ? columns : columns - 1];
                int k = 0;
                for (int c = 0; c < columns; c++) {
                    String cell = cells[c].trim();
                    if (c == labelIndex) {
                        if (cell.isEmpty()) {
                            throw new DataFileException(file, "line " + lineNo + ", column " + (c + 1) + ": empty label");
                        }
                        rawLabels.add(cell);
                        labelLines.add(lineNo);
                        continue;
                    }
                    double v;
                    try {
                        v = Double.parseDouble(cell);
                    } catch (NumberFormatException e) {
                        throw new DataFileException(file, "line " + lineNo + ", column " + (c + 1) + ": '" + cell
                                + "' is not a number");
                    }
                    if (!Double.isFinite(v)) {
                        throw new DataFileException(file, "line " + lineNo + ", column " + (c + 1) + ": '" + cell
                                + "' is not a finite number");
                    }
                    row[k++] = v;
                }
                rows.add(row);
            }
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw DataStream.problem(file, e);
        }
        if (rows.isEmpty()) {
            throw new DataFileException(file, "no data lines");
        }
        int features = labelIndex < 0 ? columns : columns - 1;
        double[] x = new double[rows.size() * features];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, x, i * features, features);
        }
        int[] labels = new int[rows.size()];
        List<String> classNames = labelIndex < 0 ? List.of("unlabelled")
                : labelClasses(file, rawLabels, labelLines, labels, classes);
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        return new Result(headerCells, new Dataset(name, x, new int[] {features}, labels, classNames));
    }

    /** Integer labels map to themselves; otherwise the sorted distinct names become the classes. */
    private static List<String> labelClasses(Path file, List<String> raw, List<Integer> lines, int[] out, int classes)
            throws DataFileException {
        boolean allIntegers = true;
        for (String s : raw) {
            if (!s.matches("[+]?\\d{1,9}(\\.0*)?")) {
                allIntegers = false;
                break;
            }
        }
        if (allIntegers) {
            int max = 0;
            for (int i = 0; i < raw.size(); i++) {
                out[i] = (int) Double.parseDouble(raw.get(i));
                max = Math.max(max, out[i]);
            }
            if (max > 100_000) {
                throw new DataFileException(file, "label " + max + " is too large for a class index");
            }
            if (classes > 0 && max >= classes) {
                int at = 0;
                while (out[at] < classes) {
                    at++;
                }
                throw new DataFileException(file, "line " + lines.get(at) + ": label " + out[at] + " is not one of the "
                        + classes + " classes 0.." + (classes - 1));
            }
            return Dataset.numberedClasses(classes > 0 ? classes : max + 1);
        }
        // Numeric but not a class index (e.g. -1 or 2.5) is a mistake, not a class name.
        for (int i = 0; i < raw.size(); i++) {
            String s = raw.get(i);
            if (s.matches("[+]?\\d{1,9}(\\.0*)?")) {
                continue;
            }
            try {
                Double.parseDouble(s);
                throw new DataFileException(file, "line " + lines.get(i) + ": label '" + s
                        + "' is a number but not a class index (0, 1, 2, ...)");
            } catch (NumberFormatException notANumber) {
                // a class name: fine
            }
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        for (String s : new TreeSet<>(raw)) {
            index.put(s, index.size());
        }
        for (int i = 0; i < raw.size(); i++) {
            out[i] = index.get(raw.get(i));
        }
        if (classes > 0 && index.size() != classes) {
            throw new DataFileException(file, index.size() + " distinct class names " + index.keySet() + " but " + classes
                    + " classes were given");
        }
        return new ArrayList<>(index.keySet());
    }

    /** A first record whose cells, the label's aside, are not all numbers is a header. */
    private boolean looksLikeHeader(String[] cells) {
        int label = labelColumn == NO_LABEL ? -1 : labelColumn < 0 ? cells.length + labelColumn : labelColumn;
        for (int i = 0; i < cells.length; i++) {
            if (i == label) {
                continue;
            }
            try {
                Double.parseDouble(cells[i].trim());
            } catch (NumberFormatException e) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records of RFC 4180 CSV: fields separated by the delimiter; a field in double quotes may
     * hold the delimiter, line breaks and doubled quotes ({@code ""} for {@code "}). Blank lines
     * are skipped.
     */
    private static final class Records implements AutoCloseable {
        private final Reader in;
        private final char delimiter;
        private final Path file;
        private int line;
        private int startLine;
        private int pending = -2;

        Records(Reader in, char delimiter, Path file) {
            this.in = in;
            this.delimiter = delimiter;
            this.file = file;
        }

        /** @return the line the last record started on (1-based) */
        int line() {
            return startLine;
        }

        private int read() throws IOException {
            if (pending != -2) {
                int c = pending;
                pending = -2;
                return c;
            }
            return in.read();
        }

        /** @return the next non-blank record's cells, or null at the end */
        String[] next() throws IOException {
            while (true) {
                List<String> cells = new ArrayList<>();
                StringBuilder cell = new StringBuilder();
                boolean quoted = false;
                boolean wasQuoted = false;
                boolean sawQuote = false;
                int length = 0;
                startLine = line + 1;
                int c;
                while (true) {
                    c = read();
                    if (c < 0) {
                        if (quoted) {
                            throw new DataFileException(file, "line " + startLine + ": a quoted field is not closed");
                        }
                        break;
                    }
                    if (++length > MAX_RECORD) {
                        throw new DataFileException(file, "line " + startLine + " is longer than " + MAX_RECORD
                                + " characters (not a CSV file, or no line breaks)");
                    }
                    char ch = (char) c;
                    if (quoted) {
                        if (ch == '"') {
                            int d = read();
                            if (d == '"') {
                                cell.append('"');
                            } else {
                                quoted = false;
                                pending = d;
                            }
                        } else {
                            if (ch == '\n') {
                                line++;
                            }
                            cell.append(ch);
                        }
                        continue;
                    }
                    if (ch == '\n') {
                        line++;
                        break;
                    }
                    if (ch == '\r') {
                        continue;
                    }
                    if (ch == delimiter) {
                        cells.add(cell.toString());
                        cell.setLength(0);
                        wasQuoted = false;
                    } else if (ch == '"' && !wasQuoted && cell.toString().isBlank()) {
                        quoted = true;
                        wasQuoted = true;
                        sawQuote = true;
                        cell.setLength(0);
                    } else {
                        cell.append(ch);
                    }
                }
                cells.add(cell.toString());
                boolean blank = !sawQuote && cells.size() == 1 && cells.get(0).isBlank();
                if (!blank) {
                    return cells.toArray(String[]::new);
                }
                if (c < 0) {
                    return null;
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
