package dev.tapegrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The DOT export, parsed back into nodes and edges. */
class GraphExportTest {
    private static final Pattern NODE = Pattern.compile("^\\s*(\\w+) \\[shape=(box|ellipse)(, peripheries=2)?, label=\"([^\\\\]+)\\\\n(\\[[0-9, ]*\\])\"\\];$");
    private static final Pattern EDGE = Pattern.compile("^\\s*(\\w+) -> (\\w+);$");

    record Parsed(Map<String, String> labels, Map<String, String> shapes, Set<String> leaves, Set<String> edges) {}

    static Parsed parse(String dot) {
        Map<String, String> labels = new HashMap<>();
        Map<String, String> shapes = new HashMap<>();
        Set<String> leaves = new HashSet<>();
        Set<String> edges = new HashSet<>();
        assertTrue(dot.startsWith("digraph tape {") && dot.trim().endsWith("}"), dot);
        for (String line : dot.split("\n")) {
            Matcher n = NODE.matcher(line);
            Matcher e = EDGE.matcher(line);
            if (n.matches()) {
                labels.put(n.group(1), n.group(4));
                shapes.put(n.group(1), n.group(5));
                if (n.group(3) != null) {
                    leaves.add(n.group(1));
                }
            } else if (e.matches()) {
                assertTrue(labels.containsKey(e.group(1)) && labels.containsKey(e.group(2)), "edge between declared nodes: " + line);
                edges.add(labels.get(e.group(1)) + "->" + labels.get(e.group(2)));
            }
        }
        return new Parsed(labels, shapes, leaves, edges);
    }

    @Test
    void tapeOfASmallNetworkParsesBack() {
        Tensor x = Tensor.ones(4, 3);
        Tensor w = Tensor.ones(3, 2).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            Tensor loss = x.matmul(w).tanh().sum();
            Parsed p = parse(GraphExport.toDot(tape));
            assertEquals(3, p.labels().values().stream().filter(l -> !l.equals("leaf") && !l.equals("constant")).count());
            assertEquals(1, p.leaves().size());
            assertTrue(p.edges().containsAll(Set.of("leaf->matmul", "constant->matmul", "matmul->tanh", "tanh->sum")), p.edges().toString());
            String tanhId = p.labels().entrySet().stream().filter(e -> e.getValue().equals("tanh")).findFirst().orElseThrow().getKey();
            assertEquals("[4, 2]", p.shapes().get(tanhId));
            assertEquals(GraphExport.toDot(tape), GraphExport.toDot(loss));
        }
    }

    @Test
    void graphBehindATensorLeavesOutUnrelatedOps() {
        Tensor a = Tensor.vector(1, 2).requiresGrad(true);
        try (Tape tape = Tape.record()) {
            a.exp();  // not an ancestor of y
            Tensor y = a.mul(a).sum();
            Parsed p = parse(GraphExport.toDot(y));
            assertTrue(!p.labels().containsValue("exp"));
            assertTrue(p.edges().contains("leaf->mul") && p.edges().contains("mul->sum"));
        }
    }
}
