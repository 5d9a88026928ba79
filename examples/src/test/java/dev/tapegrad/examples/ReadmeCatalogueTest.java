package dev.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapegrad.testing.OpCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's catalogue is the registry's, entry for entry. */
class ReadmeCatalogueTest {
    @Test
    void theReadmeListsEveryEntryOfTheRegistry() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("README.md"))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "no README.md above the working directory");
        String readme = Files.readString(dir.resolve("README.md"));
        int begin = readme.indexOf("<!-- catalogue:begin -->\n"), end = readme.indexOf("<!-- catalogue:end -->");
        assertTrue(begin >= 0 && end > begin, "README has no catalogue markers");
        String shown = readme.substring(begin + "<!-- catalogue:begin -->\n".length(), end);
        assertEquals(OpCatalog.markdownTable(), shown, "README's catalogue is out of date: regenerate it with "
                + "java -cp autodiff-core/target/classes dev.tapegrad.testing.OpCatalog");
    }
}
