package dev.starling.server.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.SyncRequest;
import dev.starling.server.sync.SyncResponse;
import dev.starling.server.sync.SyncSource;

/**
 * {@code m.push_rules} in the global {@code account_data.events} (Client-Server API § Push rules: events): on
 * every initial sync, and on an incremental one when the user's rules changed in its cut. Respects the filter's
 * {@code account_data} types.
 */
public final class PushRulesSyncSource implements SyncSource {
    static final String TYPE = "m.push_rules";

    private final Database db;
    private final PushRules rules;

    public PushRulesSyncSource(Database db, PushRules rules) {
        this.db = db;
        this.rules = rules;
    }

    @Override
    public boolean write(SyncRequest request, SyncResponse response) {
        if (!request.filter().eventTypes("account_data").allowsType(TYPE)) {
            return false;
        }
        if (!request.initial()
                && db.changes().unchangedSince(PushRuleStore.changeKey(request.user()), request.after())) {
            return false; // no rule changed after since (known in memory)
        }
        long changedAt = db.read(c -> PushRuleStore.changedAt(c, request.user()));
        boolean changed = changedAt > request.after() && changedAt <= request.upTo().position();
        if (!request.initial() && !changed) {
            return false;
        }
        ObjectNode event = response.section("account_data").withArrayProperty("events").addObject();
        event.put("type", TYPE);
        event.set("content", rules.accountData(request.user()));
        return changed;
    }
}
