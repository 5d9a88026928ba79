package dev.tapegrad.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The {@code tapegrad} command: train and evaluate networks, check gradients, draw a tape.
 *
 * <pre>
 * tapegrad train                         # an MLP on the embedded UCI digits
 * tapegrad train --data idx:data/fashion-mnist --layers 256,128 --epochs 15 --plot curves.png
 * tapegrad eval --model model.safetensors
 * tapegrad gradcheck --op matmul
 * tapegrad graph --expr "tanh(x*w + b)" --out graph.dot
 * </pre>
 *
 * Exit codes: 0 success, 1 a runtime problem (missing or corrupt file, training diverged,
 * failed gradient check), 2 a bad command line.
 */
@Command(name = "tapegrad", mixinStandardHelpOptions = true, version = "tapegrad 0.1.0",
        description = "Reverse-mode autodiff for the JVM: train and evaluate networks, check gradients, draw a tape.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, GradcheckCommand.class,
                GraphCommand.class, CommandLine.HelpCommand.class})
public final class TapegradCommand implements Runnable {

    /** Exit code of a runtime problem (file, data, divergence, failed check). */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of a bad command line. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand: print the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Builds the command line with the project's error handling: one line on standard error per
     * problem, never a stack trace.
     *
     * @param out standard output
     * @param err standard error
     * @return the configured command line
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new TapegradCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            String name = c.getCommandSpec().qualifiedName();
            c.getErr().println(name + ": " + oneLine(ex.getMessage()) + " (see '" + name + " --help')");
            c.getErr().flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + describe(ex));
            c.getErr().flush();
            return ex instanceof CliException && ex.getMessage().startsWith("usage:") ? EXIT_USAGE : EXIT_FAILURE;
        });
        // picocli hands only Exceptions to the handler above: an Error (OutOfMemoryError,
        // StackOverflowError, ...) in a command would print a JVM stack trace without this.
        CommandLine.IExecutionStrategy inner = new CommandLine.RunLast();
        cl.setExecutionStrategy(parseResult -> {
            try {
                return inner.execute(parseResult);
            } catch (Error e) {
                CommandLine.ParseResult last = parseResult;
                while (last.hasSubcommand()) {
                    last = last.subcommand();
                }
                return reportError(last.commandSpec().commandLine().getErr(), last.commandSpec().qualifiedName(), e);
            }
        });
        return cl;
    }

    /** Prints one line for an Error and returns the failure exit code. */
    static int reportError(PrintWriter err, String command, Throwable e) {
        err.println(command + ": " + describe(e));
        err.flush();
        return EXIT_FAILURE;
    }

    /** A one-line description of an exception for the user. */
    static String describe(Throwable ex) {
        if (ex instanceof OutOfMemoryError) {
            return "out of memory: the model, batch or data set is too large for this JVM (use smaller --layers or --batch, or a larger -Xmx)";
        }
        if (ex instanceof StackOverflowError) {
            return "stack overflow (the expression or graph is too deeply nested; a larger -Xss may help)";
        }
        if (ex instanceof UncheckedIOException u && u.getCause() != null) {
            return oneLine(u.getCause().getMessage());
        }
        String m = ex.getMessage();
        if (m == null || m.isBlank()) {
            m = ex.getClass().getSimpleName();
        } else if (!(ex instanceof CliException) && !(ex instanceof java.io.IOException)
                && !(ex instanceof IllegalArgumentException) && !(ex instanceof ArithmeticException)) {
            m = ex.getClass().getSimpleName() + ": " + m;
        }
        return oneLine(m.startsWith("usage: ") ? m.substring(7) : m);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", "; ").trim();
    }

    /**
     * Runs the command line and returns its exit code (for tests and {@link #main}).
     *
     * @param out  standard output
     * @param err  standard error
     * @param args the arguments
     * @return the exit code
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        int code;
        try {
            code = commandLine(out, err).execute(args);
        } catch (Throwable e) {   // last resort, e.g. an Error while picocli itself prints
            code = reportError(err, "tapegrad", e);
        }
        out.flush();
        err.flush();
        return code;
    }

    /**
     * The entry point of {@code tapegrad.jar}.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        System.exit(code);
    }
}
