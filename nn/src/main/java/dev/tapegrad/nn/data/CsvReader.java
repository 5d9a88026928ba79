package dev.tapegrad.nn.data;

import dev.tapegrad.nn.Dataset;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
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

    private final boolean header;
    private final int labelColumn;
    private final char delimiter;

    private CsvReader(Builder b) {
        this.header = b.header;
        this.labelColumn = b.labelColumn;
        this.delimiter = b.delimiter;
    }

    /** @return a builder: no header, label in the last column, comma-separated */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a {@link CsvReader}. */
    public static final class Builder {
        private boolean header;
        private int labelColumn = -1;
        private char delimiter = ',';

        private Builder() {
        }

        /**
         * @param hasHeader whether the first non-empty line is a header to skip
         * @return this builder
         */
        public Builder header(boolean hasHeader) {
            this.header = hasHeader;
            return this;
        }

        /**
         * @param column the label column, 0-based; negative counts from the end (-1 = last)
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
        return parse(IdxReader.readAll(file), file);
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
        List<String> headerCells = List.of();
        List<double[]> rows = new ArrayList<>();
        List<String> rawLabels = new ArrayList<>();
        List<Integer> labelLines = new ArrayList<>();
        int columns = -1;
        int labelIndex = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            boolean headerPending = header;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = split(line);
                if (headerPending) {
                    headerPending = false;
                    headerCells = Arrays.stream(cells).map(String::trim).toList();
                    continue;
                }
                if (columns < 0) {
                    columns = cells.length;
                    if (columns < 2) {
                        throw new DataFileException(file, "line " + lineNo + " has " + columns
                                + " column; need at least one feature and a label");
                    }
                    labelIndex = labelColumn < 0 ? columns + labelColumn : labelColumn;
                    if (labelIndex < 0 || labelIndex >= columns) {
                        throw new DataFileException(file, "label column " + labelColumn + " does not exist: line "
                                + lineNo + " has " + columns + " columns");
                    }
                } else if (cells.length != columns) {
                    throw new DataFileException(file, "line " + lineNo + " has " + cells.length + " columns, expected "
                            + columns + " like the first data line");
                }
                double[] row = new double[columns - 1];
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
            throw new DataFileException(file, "cannot read: " + e.getMessage(), e);
        }
        if (rows.isEmpty()) {
            throw new DataFileException(file, "no data lines");
        }
        int features = columns - 1;
        double[] x = new double[rows.size() * features];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, x, i * features, features);
        }
        int[] labels = new int[rows.size()];
        List<String> classNames = labelClasses(file, rawLabels, labelLines, labels);
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        return new Result(headerCells, new Dataset(name, x, new int[] {features}, labels, classNames));
    }

    /** Integer labels map to themselves; otherwise the sorted distinct names become the classes. */
    private static List<String> labelClasses(Path file, List<String> raw, List<Integer> lines, int[] out)
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
            return Dataset.numberedClasses(max + 1);
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
        return new ArrayList<>(index.keySet());
    }

    private String[] split(String line) {
        List<String> cells = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == delimiter) {
                cells.add(line.substring(start, i));
                start = i + 1;
            }
        }
        cells.add(line.substring(start));
        return cells.toArray(String[]::new);
    }
}
