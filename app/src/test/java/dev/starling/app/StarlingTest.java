package dev.starling.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class StarlingTest {

    private final CommandRun command = new CommandRun();
    private final StringWriter out = command.out;
    private final StringWriter err = command.err;

    private int run(String... args) {
        return command.run(args);
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

    @Test
    void aNamedSubcommandIsTheOnlyOneBuiltAndHelpStillListsThemAll() {
        assertThat(Starling.commandLine("server", "--config", "x.yaml").getSubcommands()).containsOnlyKeys("server");
        assertThat(Starling.commandLine("admin", "user").getSubcommands()).containsOnlyKeys("admin");
        var all = new String[] {"server", "node", "admin", "event", "version", "help"};
        assertThat(Starling.commandLine().getSubcommands()).containsOnlyKeys(all);
        assertThat(Starling.commandLine("help", "server").getSubcommands()).containsOnlyKeys(all);
        assertThat(Starling.commandLine("frobnicate").getSubcommands()).containsOnlyKeys(all);

        assertThat(run("help", "server")).isZero();
        assertThat(out.toString()).contains("Usage: starling server").contains("--config");
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("server", "node", "admin", "event", "version");
    }

    @Test
    void aSubcommandsUsageNamesItUnderStarling() {
        assertThat(run("server", "--no-such-option")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--no-such-option'").contains("Usage: starling server");
    }
}
