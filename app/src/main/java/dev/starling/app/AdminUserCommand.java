package dev.starling.app;

import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.users.Accounts;
import dev.starling.server.users.DeviceStore;
import dev.starling.server.users.PasswordHasher;
import dev.starling.server.users.UserExistsException;
import dev.starling.server.users.UserStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code starling admin create-user NAME (--password-file F | --password-stdin) [--admin]}: creates a local
 * account with the same rules as registration (user name grammar, Argon2id hash). The password is read from a
 * file or standard input — never from the command line, where other users could see it in the process list —
 * and is never printed.
 */
@Command(name = "create-user", mixinStandardHelpOptions = true, versionProvider = StarlingVersion.class,
        description = {"Create a local account (works while the server runs).",
        "The password comes from a file or standard input (one trailing newline is dropped); it is never printed."})
final class AdminUserCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin AdminCommand.ConfigOption config;

    @Parameters(paramLabel = "NAME", description = "The user name (the localpart: alice for @alice:<server_name>).")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PasswordSource password;

    @Option(names = "--admin", description = "Make the account a server admin.")
    boolean admin;

    /** Where standard input comes from (tests replace it). */
    InputStream stdin = System.in;

    static final class PasswordSource {
        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from FILE.")
        Path file;

        @Option(names = "--password-stdin", description = "Read the password from standard input.")
        boolean stdin;
    }

    @Override
    public Integer call() {
        return AdminCommand.run(spec, config.file, context -> {
            String secret = readPassword();
            SecureRandom random = new SecureRandom();
            Clock clock = Clock.systemUTC();
            UserStore users = new UserStore(context.database(), clock);
            PasswordHasher hasher = new PasswordHasher(PasswordHasher.DEFAULT_COST, random);
            Accounts accounts = new Accounts(context.config().serverName(), users,
                    new DeviceStore(context.database(), clock), hasher, random);
            UserId userId;
            try {
                userId = accounts.userIdFor(name);
            } catch (MatrixException e) {
                throw AdminCommand.fail(2, "invalid user name: " + e.getMessage());
            }
            try {
                users.create(userId, hasher.hash(secret), admin);
            } catch (UserExistsException e) {
                throw AdminCommand.fail(1, userId.value() + " already exists");
            }
            context.out().println("Created " + (admin ? "admin " : "") + "user " + userId.value());
            context.out().flush();
            return 0;
        });
    }

    private String readPassword() {
        byte[] bytes;
        try {
            if (password.file != null) {
                bytes = Files.readAllBytes(password.file);
            } else {
                bytes = stdin.readNBytes(Accounts.MAX_PASSWORD_BYTES + 3);
            }
        } catch (IOException e) {
            throw AdminCommand.fail(2, "cannot read the password: " + e.getMessage());
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            throw AdminCommand.fail(2, "the password is empty");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > Accounts.MAX_PASSWORD_BYTES) {
            throw AdminCommand.fail(2, "the password is longer than " + Accounts.MAX_PASSWORD_BYTES + " bytes");
        }
        return text;
    }
}
