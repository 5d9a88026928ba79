package dev.tapegrad.cli;

import dev.tapegrad.nn.Metrics;

import java.util.List;
import java.util.Locale;

/** Text reports of a classifier: per-class precision, recall and F1, and the confusion matrix. */
final class Reports {

    private Reports() {
    }

    /**
     * @param predicted  predicted class per sample
     * @param labels     true class per sample
     * @param classNames class names (index = class)
     * @return the per-class table, the macro F1 and the confusion matrix (rows true, columns predicted)
     */
    static String classification(int[] predicted, int[] labels, List<String> classNames) {
        int k = classNames.size();
        int[][] cm = Metrics.confusionMatrix(predicted, labels, k);
        double[] p = Metrics.precision(cm);
        double[] r = Metrics.recall(cm);
        double[] f1 = Metrics.f1(cm);
        int nameWidth = Math.max(5, classNames.stream().mapToInt(String::length).max().orElse(5));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s  %9s  %6s  %6s  %7s%n", "class", "precision", "recall",
                "f1", "support"));
        for (int c = 0; c < k; c++) {
            int support = 0;
            for (int v : cm[c]) {
                support += v;
            }
            sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s  %9.4f  %6.4f  %6.4f  %7d%n", classNames.get(c),
                    p[c], r[c], f1[c], support));
        }
        sb.append(String.format(Locale.ROOT, "macro F1 %.4f%n%n", Metrics.macroF1(cm)));
        sb.append("confusion matrix (rows: true class, columns: predicted class)\n");
        sb.append(Metrics.confusionMatrixText(cm));
        boolean numbered = true;
        for (int c = 0; c < k; c++) {
            numbered &= classNames.get(c).equals(Integer.toString(c));
        }
        if (!numbered) {
            sb.append("classes:");
            for (int c = 0; c < k; c++) {
                sb.append(' ').append(c).append('=').append(classNames.get(c));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
