package dev.starling.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StarlingTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Starling.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void versionPrintsStarlingAndJavaVersions() {
        int exitCode = run("version");

        assertThat(exitCode).isZero();
        assertThat(out.toString().lines())
                .containsExactly(
                        "starling " + StarlingVersion.version(),
                        "java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ") at "
                                + System.getProperty("java.home"));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void versionComesFromTheBuild() {
        // The build filters ${project.version} into version.properties.
        assertThat(StarlingVersion.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void versionOptionPrintsTheSame() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("starling " + StarlingVersion.version() + System.lineSeparator());
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("Missing a command").contains("Usage: starling");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("frobnicate");
    }
}
