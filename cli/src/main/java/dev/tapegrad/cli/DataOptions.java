package dev.tapegrad.cli;

import dev.tapegrad.nn.data.DataSources;
import picocli.CommandLine.Option;

/** How data files are read: the options {@code train}, {@code eval} and {@code predict} share (a picocli mixin). */
final class DataOptions {

    @Option(names = "--classes", paramLabel = "N", defaultValue = "0",
            description = "Number of classes; every label must be below it. Default: what the data declares (10 for idx:DIR, the labels found in csv:FILE).")
    int classes;

    @Option(names = "--delimiter", paramLabel = "CHAR", defaultValue = ",",
            description = "For csv:FILE: the field separator (one character, or 'tab'). Fields may be quoted (\"a,b\"). Default: '${DEFAULT-VALUE}'.")
    String delimiter;

    /**
     * @param labelColumn the label column of a CSV file
     * @return the reading options
     */
    DataSources.Options options(int labelColumn) {
        if (classes < 0) {
            throw new CliException("usage: --classes " + classes + " must be 1 or more (0 for what the data declares)");
        }
        String d = delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t") ? "\t" : delimiter;
        if (d.length() != 1 || d.equals("\"") || d.equals("\n") || d.equals("\r")) {
            throw new CliException("usage: --delimiter '" + delimiter + "' must be one character other than a quote or a line break");
        }
        return new DataSources.Options(labelColumn, d.charAt(0), classes);
    }
}
