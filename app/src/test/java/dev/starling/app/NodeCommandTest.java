package dev.starling.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code starling node}'s usage errors: exit code 2 and a message, nothing started. */
class NodeCommandTest {
    @Test
    void aPeerWithoutAPortIsAUsageError() {
        CommandRun run = new CommandRun();
        assertThat(run.run("node", "--peer", "localhost", "--discovery", "off")).isEqualTo(2);
        assertThat(run.err.toString()).contains("--peer localhost: expected HOST:PORT");
    }

    @Test
    void aPeerPortOutOfRangeIsAUsageError() {
        CommandRun run = new CommandRun();
        assertThat(run.run("node", "--peer", "10.0.0.1:70000")).isEqualTo(2);
        assertThat(run.err.toString()).contains("expected HOST:PORT");
    }

    @Test
    void discoveryIsOnOrOff() {
        CommandRun run = new CommandRun();
        assertThat(run.run("node", "--discovery", "maybe")).isEqualTo(2);
        assertThat(run.err.toString()).contains("--discovery maybe: expected on or off");
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        CommandRun run = new CommandRun();
        assertThat(run.run("node", "--port", "-1", "--discovery", "off")).isEqualTo(2);
        assertThat(run.err.toString()).contains("take a port number");
    }

    @Test
    void theHelpListsTheNodeCommand() {
        CommandRun run = new CommandRun();
        assertThat(run.run("--help")).isZero();
        assertThat(run.out.toString()).contains("node");
    }
}
