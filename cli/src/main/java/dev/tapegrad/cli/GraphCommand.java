package dev.tapegrad.cli;

import dev.tapegrad.GraphExport;
import dev.tapegrad.Tape;
import dev.tapegrad.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * {@code tapegrad graph}: records an expression on a tape and writes the tape as a Graphviz DOT
 * picture; prints the value and the gradient of its sum with respect to every variable.
 */
@Command(name = "graph", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Record an expression on a tape and write the tape as a Graphviz (DOT) picture.",
                "Also prints the value and the gradient of (the sum of) the expression with respect to each variable.",
                "Operators: + - * / @ (matmul) ^ (constant power); functions: exp log tanh sigmoid relu softplus sqrt abs",
                "square sum mean max softmax logsoftmax logsumexp transpose maximum(a,b) minimum(a,b) matmul(a,b)."},
        footer = {"", "Examples:",
                "  tapegrad graph --expr \"tanh(x*w + b)\" --out graph.dot && dot -Tpng graph.dot -o graph.png",
                "  tapegrad graph --expr \"sum(softmax(x @ w))\" --var x=1,2,3,4,5,6:2x3 --var w=randn:3x4"})
public final class GraphCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--expr", required = true, paramLabel = "EXPR", description = "The expression, e.g. \"tanh(x*w + b)\".")
    String expr;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the DOT text here (default: standard output).")
    Path out;

    @Option(names = "--var", paramLabel = "NAME=VALUES[:SHAPE]",
            description = "A variable's value: 'x=2', 'x=1,2,3,4:2x2', or 'w=randn:3x4'. Variables not given are scalars drawn from N(0,1) with --seed.")
    List<String> vars;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of variables not given with --var. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        Map<String, Tensor> values = new LinkedHashMap<>();
        if (vars != null) {
            for (String v : vars) {
                int eq = v.indexOf('=');
                if (eq <= 0) {
                    throw new CliException("usage: --var '" + v + "' must look like name=values[:shape]");
                }
                values.put(v.substring(0, eq).trim(), parseValue(v.substring(eq + 1), v, rng));
            }
        }
        for (String name : Expression.variableNames(expr)) {
            values.computeIfAbsent(name, n -> Tensor.randn(rng));
        }
        for (Map.Entry<String, Tensor> e : values.entrySet()) {
            e.getValue().requiresGrad(true);
        }
        if (out != null) {
            TrainCommand.checkParent(out);
        }
        String dot;
        Tensor y;
        Tensor[] grads;
        List<String> names = List.copyOf(values.keySet());
        try (Tape tape = Tape.record(Tape.Option.KEEP)) {
            try {
                y = Expression.evaluate(expr, name -> values.get(name), true);
            } catch (IllegalArgumentException e) {
                throw new CliException("--expr \"" + expr + "\": " + TapegradCommand.oneLine(e.getMessage()));
            }
            dot = DotLabels.rewrite(GraphExport.toDot(tape));
            Tensor total = y.rank() == 0 ? y : y.sum();
            Tensor[] xs = names.stream().map(values::get).toArray(Tensor[]::new);
            grads = xs.length == 0 ? new Tensor[0] : tape.gradient(total, xs);
        }
        if (out != null) {
            Files.writeString(out, dot);
        } else {
            stdout.print(dot);
            stdout.flush();
        }
        PrintWriter info = out != null ? stdout : spec.commandLine().getErr();
        info.println("value " + y);
        for (int i = 0; i < names.size(); i++) {
            info.println("d(" + (y.rank() == 0 ? "expr" : "sum(expr)") + ")/d" + names.get(i) + " = " + grads[i]
                    + "   at " + names.get(i) + " = " + values.get(names.get(i)).detach());
        }
        if (out != null) {
            info.printf(Locale.ROOT, "graph: %s (render with: dot -Tpng %s -o graph.png)%n", out, out);
        }
        info.flush();
        return 0;
    }

    private static Tensor parseValue(String spec, String whole, RandomGenerator rng) {
        String values = spec;
        int[] shape = null;
        int colon = spec.lastIndexOf(':');
        if (colon >= 0) {
            values = spec.substring(0, colon);
            try {
                shape = Arrays.stream(spec.substring(colon + 1).split("x")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
            } catch (NumberFormatException e) {
                throw new CliException("usage: --var '" + whole + "': shape '" + spec.substring(colon + 1) + "' must look like 2x3");
            }
            if (Arrays.stream(shape).anyMatch(d -> d < 1 || d > 10_000) || shape.length > 6) {
                throw new CliException("usage: --var '" + whole + "': shape " + Arrays.toString(shape) + " is not a small positive shape");
            }
        }
        if (values.trim().equals("randn")) {
            return Tensor.randn(rng, shape == null ? new int[0] : shape);
        }
        double[] v;
        try {
            v = Arrays.stream(values.split(",")).mapToDouble(s -> Double.parseDouble(s.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new CliException("usage: --var '" + whole + "': values must be numbers separated by commas, or randn");
        }
        if (shape == null) {
            return v.length == 1 ? Tensor.scalar(v[0]) : Tensor.vector(v);
        }
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != v.length) {
            throw new CliException("usage: --var '" + whole + "': " + v.length + " values do not fill shape " + Arrays.toString(shape));
        }
        return Tensor.of(v, shape);
    }
}
