package dev.starling.app;

import dev.starling.server.users.RegistrationTokenStore;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code starling admin registration-token create|list|delete}: registration tokens in the database
 * (Client-Server API § Token-authenticated registration), accepted beside those of {@code registration.tokens}
 * in the configuration file. Only a token's hash is stored: a generated token is printed once, at creation.
 */
@Command(name = "registration-token", mixinStandardHelpOptions = true, versionProvider = StarlingVersion.class,
        description = {"Manage registration tokens stored in the database.",
        "They are accepted beside registration.tokens of the configuration file, also by a running server."},
        subcommands = {AdminTokenCommand.Create.class, AdminTokenCommand.ListTokens.class,
                AdminTokenCommand.Delete.class})
final class AdminTokenCommand {
    private AdminTokenCommand() {}

    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = StarlingVersion.class,
            description = {"Create a registration token and print it (once: only its hash is kept).",
            "Without --token a random 24-character token is generated."})
    static final class Create implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin AdminCommand.ConfigOption config;

        @Option(names = "--uses", paramLabel = "N",
                description = "How many registrations it allows (default: no limit).")
        Long uses;

        @Option(names = "--expires-in", paramLabel = "DURATION",
                description = "How long it is valid: 30m, 12h, 7d, 2w, or ISO-8601 such as P7D (default: forever).")
        String expiresIn;

        @Option(names = "--token", paramLabel = "T",
                description = "The token itself: 1 to 64 characters of A-Z a-z 0-9 . _ ~ - (default: generated).")
        String token;

        @Override
        public Integer call() {
            return AdminCommand.run(spec, config.file, context -> {
                if (uses != null && uses < 1) {
                    throw AdminCommand.fail(2, "--uses must be at least 1");
                }
                if (token != null && !RegistrationTokenStore.isWellFormed(token)) {
                    throw AdminCommand.fail(2, "--token must be 1 to 64 characters of A-Z a-z 0-9 . _ ~ -");
                }
                Clock clock = Clock.systemUTC();
                OptionalLong expiry = OptionalLong.empty();
                if (expiresIn != null) {
                    expiry = OptionalLong.of(clock.millis() + parseDuration(expiresIn).toMillis());
                }
                boolean generated = token == null;
                String value = generated ? RegistrationTokenStore.generate(new SecureRandom()) : token;
                RegistrationTokenStore store = new RegistrationTokenStore(context.database(), clock);
                if (!store.create(value, uses == null ? OptionalLong.empty() : OptionalLong.of(uses), expiry)) {
                    throw AdminCommand.fail(1, "that registration token already exists");
                }
                PrintWriter out = context.out();
                String limits = "uses: " + (uses == null ? "unlimited" : uses) + ", expires: "
                        + (expiry.isPresent() ? Instant.ofEpochMilli(expiry.getAsLong()) : "never");
                if (generated) {
                    out.println("Created registration token (" + limits + "); it is shown only now:");
                    out.println(value);
                } else {
                    out.println("Created the registration token (" + limits + ").");
                }
                out.flush();
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = StarlingVersion.class,
            description = "List the stored registration tokens (by their first characters only).")
    static final class ListTokens implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin AdminCommand.ConfigOption config;

        @Override
        public Integer call() {
            return AdminCommand.run(spec, config.file, context -> {
                List<RegistrationTokenStore.Token> tokens =
                        new RegistrationTokenStore(context.database(), Clock.systemUTC()).list();
                PrintWriter out = context.out();
                out.printf(Locale.ROOT, "%-8s %-10s %-8s %-10s %-24s %s%n", "TOKEN", "ALLOWED", "PENDING",
                        "COMPLETED", "EXPIRES", "CREATED");
                for (RegistrationTokenStore.Token t : tokens) {
                    out.printf(Locale.ROOT, "%-8s %-10s %-8d %-10d %-24s %s%n",
                            t.prefix().isEmpty() ? "(short)" : t.prefix() + "…",
                            t.usesAllowed().isPresent() ? Long.toString(t.usesAllowed().getAsLong()) : "unlimited",
                            t.pending(), t.completed(),
                            t.expiryTs().isPresent() ? Instant.ofEpochMilli(t.expiryTs().getAsLong()).toString()
                                    : "never",
                            Instant.ofEpochMilli(t.createdTs()));
                }
                int inConfig = context.config().registrationTokens().size();
                out.println(tokens.size() + " stored token(s); " + inConfig
                        + " more in the configuration file (registration.tokens).");
                out.flush();
                return 0;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = StarlingVersion.class,
            description = "Delete a stored registration token (registrations already done stay).")
    static final class Delete implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin AdminCommand.ConfigOption config;

        @Parameters(paramLabel = "TOKEN", description = "The whole token.")
        String token;

        @Override
        public Integer call() {
            return AdminCommand.run(spec, config.file, context -> {
                if (!new RegistrationTokenStore(context.database(), Clock.systemUTC()).delete(token)) {
                    throw AdminCommand.fail(1, "no such stored registration token"
                            + (context.config().registrationTokens().contains(token)
                                    ? " (it is in the configuration file: remove it there)" : ""));
                }
                context.out().println("Deleted the registration token.");
                context.out().flush();
                return 0;
            });
        }
    }

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})([smhdw])");

    /** {@code 30m}, {@code 12h}, {@code 7d}, {@code 2w}, or ISO-8601 ({@code P7D}, {@code PT12H}); positive. */
    static Duration parseDuration(String text) {
        Duration duration;
        Matcher m = SHORT_DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            duration = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        } else {
            try {
                duration = Duration.parse(text.strip().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw AdminCommand.fail(2, "--expires-in: \"" + text + "\" is not a duration (30m, 12h, 7d, 2w, P7D)");
            }
        }
        if (duration.isNegative() || duration.isZero()) {
            throw AdminCommand.fail(2, "--expires-in must be positive");
        }
        return duration;
    }
}
