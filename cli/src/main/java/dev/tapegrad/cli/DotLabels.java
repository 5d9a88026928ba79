package dev.tapegrad.cli;

import dev.tapegrad.DifferentiableFunction;
import dev.tapegrad.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names in {@code tapegrad graph}'s DOT picture: the core's {@code GraphExport} labels leaves
 * {@code leaf}/{@code constant} and ops by their op name only, and knows nothing of the
 * expression's variable names or of op parameters such as an exponent. The expression is
 * therefore evaluated with identity markers (custom functions whose forward is {@code x * 1} and
 * backward {@code g}, so values and gradients are unchanged) named {@code var:x} or
 * {@code param:p=3}; {@link #rewrite} then folds each marker into the node it annotates: the leaf
 * gets the variable's name, the op gets its parameter, and the marker box disappears from the
 * picture. (Numbers in the expression are constants the tape does not record as nodes.)
 */
final class DotLabels {

    private static final String VAR = "var:";
    private static final String PARAM = "param:";
    private static final Pattern NODE = Pattern.compile("\\s*(\\w+) \\[(.*)label=\"(.*)\"\\];");
    private static final Pattern EDGE = Pattern.compile("\\s*(\\w+) -> (\\w+);");

    private DotLabels() {
    }

    private static Tensor mark(String label, Tensor t) {
        return DifferentiableFunction.of(label, in -> in[0].mul(1.0), (ctx, g) -> new Tensor[] {g}).apply(t);
    }

    /** @return {@code t}, marked as the variable {@code name} */
    static Tensor variable(String name, Tensor t) {
        return mark(VAR + name, t);
    }

    /** @return {@code t}, whose op gets the parameter {@code text} (e.g. {@code p=3}) in the picture */
    static Tensor parameter(Tensor t, String text) {
        return mark(PARAM + text, t);
    }

    /**
     * Folds the markers into the nodes they annotate.
     *
     * @param dot GraphExport's DOT text of a tape recorded with markers
     * @return the DOT text with named leaves and annotated ops, and no marker nodes
     */
    static String rewrite(String dot) {
        List<String> lines = new ArrayList<>(dot.lines().toList());
        Map<String, String> labels = new HashMap<>();
        Map<String, String> inputOf = new HashMap<>();
        for (String l : lines) {
            Matcher n = NODE.matcher(l);
            if (n.matches()) {
                labels.put(n.group(1), n.group(3));
            }
            Matcher e = EDGE.matcher(l);
            if (e.matches()) {
                inputOf.put(e.group(2), e.group(1));
            }
        }
        Map<String, String> replaceBy = new HashMap<>();   // marker id -> the node that takes its place
        Map<String, String> newLabel = new HashMap<>();
        for (Map.Entry<String, String> e : labels.entrySet()) {
            String label = e.getValue();
            String src = inputOf.get(e.getKey());
            if (src == null || !(label.startsWith(VAR) || label.startsWith(PARAM))) {
                continue;
            }
            while (replaceBy.containsKey(src)) {
                src = replaceBy.get(src);
            }
            replaceBy.put(e.getKey(), src);
            String text = label.substring(label.indexOf(':') + 1, label.contains("\\n") ? label.indexOf("\\n") : label.length());
            String old = newLabel.getOrDefault(src, labels.get(src));
            if (label.startsWith(PARAM)) {
                newLabel.put(src, old + "\\n" + text);
            } else {
                // "leaf\n[3]" -> "x\n[3]"
                newLabel.put(src, text + (old.contains("\\n") ? old.substring(old.indexOf("\\n")) : ""));
            }
        }
        // a marker fed by a marker: follow the chain to the real node
        for (Map.Entry<String, String> e : replaceBy.entrySet()) {
            String to = e.getValue();
            while (replaceBy.containsKey(to)) {
                to = replaceBy.get(to);
            }
            e.setValue(to);
        }
        StringBuilder out = new StringBuilder();
        for (String l : lines) {
            Matcher n = NODE.matcher(l);
            if (n.matches()) {
                if (replaceBy.containsKey(n.group(1))) {
                    continue;
                }
                if (newLabel.containsKey(n.group(1))) {
                    l = l.substring(0, l.indexOf("label=\"") + 7) + newLabel.get(n.group(1)) + "\"];";
                }
            }
            Matcher e = EDGE.matcher(l);
            if (e.matches()) {
                if (replaceBy.containsKey(e.group(2))) {
                    continue;   // the edge into a marker
                }
                String from = replaceBy.getOrDefault(e.group(1), e.group(1));
                l = "  " + from + " -> " + e.group(2) + ";";
            }
            out.append(l).append('\n');
        }
        return out.toString();
    }
}
