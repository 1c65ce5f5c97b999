package dev.starling.loadgen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * Reads a /sync answer with Jackson's streaming parser, without building a tree: the top-level {@code
 * next_batch}, how many room timelines are {@code limited}, and the {@value Population#SENT_KEY} of every
 * timeline event ({@code rooms.join.<room>.timeline.events[].content}) whose {@value Population#RUN_KEY} is the
 * given run. The same events and fields that {@link Population}'s tree reading looks at; everything else is
 * skipped.
 */
final class SyncScan {
    private static final JsonFactory FACTORY = Client.JSON.getFactory();
    /** Object depths: 1 the answer, 2 rooms, 3 join, 4 a room, 5 timeline, 6 an event, 7 its content. */
    private static final int CONTENT = 7;

    private SyncScan() {}

    /** What the scan found besides the timed events. */
    record Result(String nextBatch, int limitedTimelines) {}

    /** Scans {@code body[offset, offset + length)}; {@code sent} gets each matching event's send time. */
    static Result scan(byte[] body, int offset, int length, String run, LongConsumer sent) throws IOException {
        String[] field = new String[CONTENT + 2];
        String nextBatch = null;
        int limited = 0;
        int depth = 0;
        boolean runMatches = false;
        long sentNs = -1;
        try (JsonParser p = FACTORY.createParser(body, offset, length)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT -> {
                        depth++;
                        if (depth < field.length) {
                            field[depth] = null;
                        }
                        if (depth == CONTENT) {
                            runMatches = false;
                            sentNs = -1;
                        }
                    }
                    case END_OBJECT -> {
                        if (depth == CONTENT && runMatches && sentNs >= 0 && inTimelineEvent(field)) {
                            sent.accept(sentNs);
                        }
                        depth--;
                    }
                    case FIELD_NAME -> {
                        String name = p.currentName();
                        if (depth < field.length) {
                            field[depth] = name;
                        }
                        if (depth == 1 && name.equals("next_batch")) {
                            p.nextToken();
                            nextBatch = p.getText();
                        } else if (depth == 5 && name.equals("limited") && inRoomsJoin(field)
                                && "timeline".equals(field[4])) {
                            if (p.nextToken() == JsonToken.VALUE_TRUE) {
                                limited++;
                            }
                        } else if (depth == CONTENT && name.equals(Population.SENT_KEY)) {
                            if (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
                                sentNs = p.getLongValue();
                            }
                        } else if (depth == CONTENT && name.equals(Population.RUN_KEY)) {
                            if (p.nextToken() == JsonToken.VALUE_STRING) {
                                runMatches = run.equals(p.getText());
                            }
                        }
                    }
                    default -> {
                        // values and arrays: skipped
                    }
                }
            }
        }
        return new Result(nextBatch, limited);
    }

    private static boolean inRoomsJoin(String[] field) {
        return "rooms".equals(field[1]) && "join".equals(field[2]);
    }

    private static boolean inTimelineEvent(String[] field) {
        return inRoomsJoin(field) && "timeline".equals(field[4]) && "events".equals(field[5])
                && "content".equals(field[6]);
    }
}
