package dev.starling.app;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code starling version}: prints Starling's version and the Java runtime. */
@Command(name = "version", description = "Print Starling's version and the Java runtime it runs on.")
final class VersionCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String line : new StarlingVersion().getVersion()) {
            out.println(line);
        }
        out.flush();
        return 0;
    }
}
