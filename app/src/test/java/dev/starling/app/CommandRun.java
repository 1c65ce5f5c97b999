package dev.starling.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code starling} command line in-process and keeps what it printed. */
final class CommandRun {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    /** Runs {@code starling args...} and returns its exit code. */
    int run(String... args) {
        CommandLine cmd = Starling.commandLine(args); // as main builds it: only the subcommand named
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }
}
