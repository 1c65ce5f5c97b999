package dev.starling.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
  * The {@code starling} command. Each subcommand is a class in this package, listed in {@code subcommands}
  * below; add a new one there (e.g. {@code EventCommand.class} for {@code starling event verify FILE}).
  */
@Command(
        name = "starling",
        mixinStandardHelpOptions = true,
        versionProvider = StarlingVersion.class,
        description = "Starling: a Matrix homeserver, P2P node and client.",
        subcommands = {ServerCommand.class, NodeCommand.class, AdminCommand.class, EventCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class Starling implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command");
    }

    /** The command line for {@code starling}, ready to {@link CommandLine#execute execute}. */
    public static CommandLine commandLine() {
        return new CommandLine(new Starling());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
