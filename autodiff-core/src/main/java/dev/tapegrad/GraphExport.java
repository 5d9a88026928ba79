package dev.tapegrad;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Graphviz DOT pictures of recorded computations: one box per op with its output shape, one
 * ellipse per leaf (double border for leaves that want gradients), edges from inputs to the ops
 * that use them.
 *
 * <pre>{@code
 * try (Tape tape = Tape.record(Tape.Option.KEEP)) {
 *     Tensor y = x.matmul(w).tanh().sum();
 *     Files.writeString(Path.of("graph.dot"), GraphExport.toDot(tape));   // dot -Tpng graph.dot
 * }
 * }</pre>
 */
public final class GraphExport {
    private GraphExport() {}

    /** Every node on the tape, in recording order. */
    public static String toDot(Tape tape) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < tape.size(); i++) {
            nodes.add(tape.node(i));
        }
        return render(nodes);
    }

    /** The recorded graph behind the given outputs (the ops they depend on), in recording order. */
    public static String toDot(Tensor... outputs) {
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        Deque<Node> todo = new ArrayDeque<>();
        for (Tensor t : outputs) {
            if (t.node != null && !t.node.released()) {
                todo.push(t.node);
            }
        }
        while (!todo.isEmpty()) {  // a loop, not recursion: deep graphs are fine
            Node n = todo.pop();
            if (seen.put(n, Boolean.TRUE) != null) {
                continue;
            }
            for (Tensor in : n.inputs) {
                if (in.node != null && !in.node.released() && !seen.containsKey(in.node)) {
                    todo.push(in.node);
                }
            }
        }
        List<Node> nodes = new ArrayList<>(seen.keySet());
        nodes.sort((a, b) -> a.tape != b.tape ? 0 : Integer.compare(a.index, b.index));
        return render(nodes);
    }

    private static String render(List<Node> nodes) {
        StringBuilder sb = new StringBuilder("digraph tape {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        Map<Node, String> ids = new IdentityHashMap<>();
        Map<Tensor, String> leafIds = new IdentityHashMap<>();
        for (Node n : nodes) {
            ids.put(n, "op" + ids.size());
        }
        for (Node n : nodes) {
            String id = ids.get(n);
            sb.append("  ").append(id).append(" [shape=box, label=\"").append(escape(n.opName())).append("\\n")
              .append(Shapes.str(n.output.shape)).append("\"];\n");
            for (Tensor in : n.inputs) {
                String src;
                if (in.node != null && ids.containsKey(in.node)) {
                    src = ids.get(in.node);
                } else {
                    src = leafIds.get(in);
                    if (src == null) {
                        src = "leaf" + leafIds.size();
                        leafIds.put(in, src);
                        boolean wants = in.requiresGrad && in.node == null;
                        sb.append("  ").append(src).append(" [shape=ellipse").append(wants ? ", peripheries=2" : "")
                          .append(", label=\"").append(wants ? "leaf" : "constant").append("\\n")
                          .append(Shapes.str(in.shape)).append("\"];\n");
                    }
                }
                sb.append("  ").append(src).append(" -> ").append(id).append(";\n");
            }
        }
        return sb.append("}\n").toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
