package dev.starling.mesh.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;

/**
 * The router's own seqno, kept across restarts ({@code router-seqno} in the store directory). Other nodes
 * remember the newest seqno they saw from us (feasibility distance) and would treat a restart from seqno 0
 * as old news; so a start resumes {@link #JUMP} past the last saved value, which also covers increases
 * made after the last save before a crash.
 */
final class SeqnoFile {
    static final int JUMP = 256;
    private final Path file;
    private int saved = -1;

    SeqnoFile(Path directory) {
        this.file = directory.resolve("router-seqno");
    }

    /** The seqno to start from, saved at once. */
    int start() throws IOException {
        int initial;
        if (Files.exists(file)) {
            String s = Files.readString(file, StandardCharsets.US_ASCII).trim();
            int last;
            try {
                last = Integer.parseInt(s) & 0xFFFF;
            } catch (NumberFormatException e) {
                last = new SecureRandom().nextInt(0x10000);
            }
            initial = (last + JUMP) & 0xFFFF;
        } else {
            initial = new SecureRandom().nextInt(0x10000);
        }
        save(initial);
        return initial;
    }

    /** Saves {@code seqno} when it changed since the last save. */
    void save(int seqno) throws IOException {
        if (seqno == saved) {
            return;
        }
        Path tmp = file.resolveSibling("router-seqno.tmp");
        Files.writeString(tmp, Integer.toString(seqno), StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        saved = seqno;
    }
}
