package dev.starling.app;

import dev.starling.server.Preload;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
  * The {@code starling} command. Each subcommand is a class in this package, listed in {@code SUBCOMMANDS}
  * below; add a new one there (e.g. {@code EventCommand.class} for {@code starling event verify FILE}).
  */
@Command(
        name = "starling",
        mixinStandardHelpOptions = true,
        versionProvider = StarlingVersion.class,
        description = "Starling: a Matrix homeserver, P2P node and client.")
public final class Starling implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command");
    }

    /**
     * Every subcommand, in the order help lists them. Classes, which picocli instantiates: a method reference
     * to a picocli constructor here made the JDK 25 AOT cache writer crash (the cache cannot hold picocli's
     * classes linked; see AotTraining).
     */
    private static final List<Class<?>> SUBCOMMANDS = List.of(ServerCommand.class, NodeCommand.class,
            AdminCommand.class, EventCommand.class, VersionCommand.class, CommandLine.HelpCommand.class);

    /** The command line for {@code starling} with every subcommand, ready to {@link CommandLine#execute execute}. */
    public static CommandLine commandLine() {
        CommandLine starling = new CommandLine(new Starling());
        for (Class<?> subcommand : SUBCOMMANDS) {
            starling.addSubcommand(subcommand);
        }
        return starling;
    }

    /**
     * The command line for these arguments: when the first names a subcommand, with only that one (picocli reads
     * the annotations of every command it is given, ~0.2 s of a server's start for commands it will not run);
     * otherwise ({@code help}, which names others, or a mistake) with all of them.
     */
    static CommandLine commandLine(String... args) {
        if (args.length > 0 && !args[0].equals("help")) {
            for (Class<?> subcommand : SUBCOMMANDS) {
                if (subcommand.getAnnotation(Command.class).name().equals(args[0])) {
                    return new CommandLine(new Starling()).addSubcommand(subcommand);
                }
            }
        }
        return commandLine();
    }

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("server") || args[0].equals("node"))) {
            // What every start of a server needs, on the second core while this thread parses the command line
            // and the configuration (start to ready, BENCHMARKS.md "Idle memory and start-up time").
            Thread.ofPlatform().daemon().name("preload").start(Preload::run);
        }
        System.exit(commandLine(args).execute(args));
    }
}
