package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Compiles and runs every {@code ```java} block of the README, so that the examples a user copies
 * work. A block followed directly by a {@code ```text} block must print exactly that text.
 */
class ReadmeSnippetsTest {

    private static final String IMPORTS = String.join("\n",
            "import dev.tapegrad.*;",
            "import dev.tapegrad.testing.*;",
            importIfPresent("dev.tapegrad.nn"),
            importIfPresent("dev.tapegrad.nn.data"),
            // a single-type import, so that Module is not ambiguous with java.lang.Module
            importIfPresent("dev.tapegrad.nn") .isEmpty() ? "" : "import dev.tapegrad.nn.Module;",
            "import java.nio.file.*;",
            "import java.util.*;",
            "import java.util.function.*;",
            "import java.util.random.*;");

    /** An on-demand import of a package that is on the class path (javac rejects one that is not). */
    private static String importIfPresent(String pkg) {
        return ReadmeSnippetsTest.class.getClassLoader().getResource(pkg.replace('.', '/')) != null
                ? "import " + pkg + ".*;" : "";
    }

    record Snippet(int line, String code, String expectedOutput) {}

    static List<Snippet> snippets(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme);
        List<Snippet> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).trim().equals("```java")) {
                continue;
            }
            int start = i + 1;
            StringBuilder code = new StringBuilder();
            for (i = start; !lines.get(i).trim().equals("```"); i++) {
                code.append(lines.get(i)).append('\n');
            }
            String expected = null;
            int j = i + 1;
            while (j < lines.size() && lines.get(j).isBlank()) {
                j++;
            }
            if (j < lines.size() && lines.get(j).trim().equals("```text")) {
                StringBuilder sb = new StringBuilder();
                for (j = j + 1; !lines.get(j).trim().equals("```"); j++) {
                    sb.append(lines.get(j)).append('\n');
                }
                expected = sb.toString();
            }
            out.add(new Snippet(start, code.toString(), expected));
        }
        return out;
    }

    private static Path readme() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("README.md"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "README.md not found above " + Path.of("").toAbsolutePath());
        return p.resolve("README.md");
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockOfTheReadmeCompilesAndRuns() throws IOException {
        List<Snippet> all = snippets(readme());
        assertTrue(all.size() >= 2, "the README shows at least a higher-order and a custom-function example");
        return all.stream().map(s -> DynamicTest.dynamicTest("README line " + s.line(), () -> run(s)));
    }

    private static void run(Snippet s) throws Exception {
        String cls = "ReadmeSnippet" + s.line();
        String source = IMPORTS + "\npublic class " + cls + " {\n public static void main(String[] args) throws Exception {\n"
                + s.code() + "\n }\n}\n";
        Path dir = Files.createTempDirectory("snippet");
        Path file = dir.resolve(cls + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean ok = javac.getTask(diagnostics, null, null,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", dir.toString()),
                null, javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(file)).call();
        assertTrue(ok, "README snippet at line " + s.line() + " does not compile:\n" + diagnostics + "\n" + source);
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, ReadmeSnippetsTest.class.getClassLoader())) {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            Method main = loader.loadClass(cls).getMethod("main", String[].class);
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(saved);
        }
        if (s.expectedOutput() != null) {
            assertEquals(s.expectedOutput(), buf.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"),
                    "output of the README snippet at line " + s.line());
        }
    }
}
