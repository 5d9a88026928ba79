package dev.tapegrad.cli;

import dev.tapegrad.OpRegistry;

import dev.tapegrad.Tensor;

import java.util.function.Function;

/**
 * A small expression language for {@code tapegrad graph}, evaluated directly into Tensor ops (so
 * that a recording tape sees exactly the ops a Java program would run).
 *
 * <pre>
 * expr    := term (('+' | '-') term)*
 * term    := unary (('*' | '/' | '@') unary)*          '@' is matmul
 * unary   := '-' unary | power
 * power   := primary ('^' number)?                      constant exponent: pow
 * primary := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
 * </pre>
 *
 * Functions: exp, log, tanh, sigmoid, relu, softplus, sqrt, abs, square, sum, mean, max,
 * softmax, logsoftmax, logsumexp (the last four over the last axis, max over all), transpose,
 * maximum(a, b), minimum(a, b), matmul(a, b).
 */
final class Expression {

    private final String text;
    private final Function<String, Tensor> variables;
    private final boolean marks;
    private int pos;

    private Expression(String text, Function<String, Tensor> variables, boolean marks) {
        this.text = text;
        this.variables = variables;
        this.marks = marks;
    }

    /**
     * Evaluates an expression.
     *
     * @param text      the expression
     * @param variables gives the tensor of each variable name (called once per occurrence)
     * @return the result
     * @throws CliException on a syntax error (with the position) or an op's shape error
     */
    static Tensor evaluate(String text, Function<String, Tensor> variables) {
        return evaluate(text, variables, false);
    }

    /**
     * Evaluates an expression, optionally with {@link DotLabels} markers for a picture of its tape.
     *
     * @param text      the expression
     * @param variables gives the tensor of each variable name
     * @param marks     whether to mark variables with their names and ops with their parameters
     * @return the result (the same values either way)
     */
    static Tensor evaluate(String text, Function<String, Tensor> variables, boolean marks) {
        Expression e = new Expression(text, variables, marks);
        Tensor t = e.expr();
        e.skipSpaces();
        if (e.pos < text.length()) {
            throw e.error("unexpected '" + text.charAt(e.pos) + "'");
        }
        return t;
    }

    /**
     * The variable names an expression uses, in order of first use, without evaluating it.
     *
     * @param text the expression
     * @return every name that is not followed by '(' (a function call)
     */
    static java.util.List<String> variableNames(String text) {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z_0-9]*").matcher(text);
        while (m.find()) {
            int after = m.end();
            while (after < text.length() && text.charAt(after) == ' ') {
                after++;
            }
            boolean call = after < text.length() && text.charAt(after) == '(';
            boolean partOfNumber = m.start() > 0 && (Character.isDigit(text.charAt(m.start() - 1)) || text.charAt(m.start() - 1) == '.');
            if (!call && !partOfNumber) {
                names.add(m.group());
            }
        }
        return java.util.List.copyOf(names);
    }

    private Tensor expr() {
        Tensor t = term();
        while (true) {
            if (eat('+')) {
                t = t.add(term());
            } else if (eat('-')) {
                t = t.sub(term());
            } else {
                return t;
            }
        }
    }

    private Tensor term() {
        Tensor t = unary();
        while (true) {
            if (eat('*')) {
                t = t.mul(unary());
            } else if (eat('/')) {
                t = t.div(unary());
            } else if (eat('@')) {
                t = t.matmul(unary());
            } else {
                return t;
            }
        }
    }

    private Tensor unary() {
        if (eat('-')) {
            return unary().neg();
        }
        Tensor base = primary();
        if (eat('^')) {
            skipSpaces();
            int start = pos;
            boolean negative = eat('-');
            double p = number(negative ? pos : start);
            return param(base.pow(negative ? -p : p), "p=" + shortNumber(negative ? -p : p));
        }
        return base;
    }

    private Tensor primary() {
        skipSpaces();
        if (pos >= text.length()) {
            throw error("unexpected end of the expression");
        }
        char c = text.charAt(pos);
        if (eat('(')) {
            Tensor t = expr();
            expect(')');
            return t;
        }
        if (Character.isDigit(c) || c == '.') {
            return Tensor.scalar(number(pos));
        }
        if (Character.isLetter(c) || c == '_') {
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
            String name = text.substring(start, pos);
            if (eat('(')) {
                java.util.List<Tensor> args = new java.util.ArrayList<>();
                args.add(expr());
                while (eat(',')) {
                    args.add(expr());
                }
                expect(')');
                return call(name, args, start);
            }
            Tensor v = variables.apply(name);
            return marks ? DotLabels.variable(name, v) : v;
        }
        throw error("unexpected '" + c + "'");
    }

    private Tensor call(String name, java.util.List<Tensor> args, int at) {
        // every function of the op registry, by name (case-insensitive)
        OpRegistry.NamedFunction f = null;
        for (OpRegistry.NamedFunction candidate : OpRegistry.functions().values()) {
            if (candidate.name().equalsIgnoreCase(name)) {
                f = candidate;
                break;
            }
        }
        if (f == null) {
            throw errorAt(at, "unknown function '" + name + "'");
        }
        if (args.size() != f.arity()) {
            throw errorAt(at, name + " takes " + f.arity() + " argument" + (f.arity() == 1 ? "" : "s") + ", got " + args.size());
        }
        return param(f.apply(args.toArray(new Tensor[0])), parameters(f));
    }

    /** The constant arguments of a registry function, from its description ("x.softmax(-1)" gives "axis=-1"), or null. */
    private static String parameters(OpRegistry.NamedFunction f) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\.\\w+\\(([-+0-9.eE, ]+)\\)").matcher(f.description());
        if (!m.find()) {
            return null;
        }
        String n = f.name().toLowerCase(java.util.Locale.ROOT);
        boolean axis = n.contains("softmax") || n.contains("logsumexp") || n.startsWith("sum") || n.startsWith("mean");
        return (axis ? "axis=" : "args ") + m.group(1).replace(" ", "");
    }

    private Tensor param(Tensor t, String text) {
        return marks && text != null ? DotLabels.parameter(t, text) : t;
    }

    private static String shortNumber(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private double number(int start) {
        pos = start;
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.'
                || text.charAt(pos) == 'e' || text.charAt(pos) == 'E'
                || ((text.charAt(pos) == '-' || text.charAt(pos) == '+') && pos > start
                && (text.charAt(pos - 1) == 'e' || text.charAt(pos - 1) == 'E')))) {
            pos++;
        }
        try {
            return Double.parseDouble(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw errorAt(start, "'" + text.substring(start, pos) + "' is not a number");
        }
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean eat(char c) {
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!eat(c)) {
            throw error(pos < text.length() ? "expected '" + c + "' but found '" + text.charAt(pos) + "'" : "expected '" + c + "' at the end");
        }
    }

    private CliException error(String problem) {
        return errorAt(pos, problem);
    }

    private CliException errorAt(int at, String problem) {
        return new CliException("usage: --expr \"" + text + "\": " + problem + " at position " + (at + 1));
    }
}
