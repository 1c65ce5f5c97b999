package dev.starling.server.filters;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.sync.SyncFilter;
import dev.starling.server.sync.SyncFilters;

/**
 * Uploaded filters (Client-Server API § Filtering): upload, download, and the {@link SyncFilters} that lets
 * /sync take a filter ID. Only a user's own filters: another user's path is 403 M_FORBIDDEN (as in Synapse),
 * an unknown ID or one of another user's filters 404 M_NOT_FOUND.
 */
public final class FiltersApi implements SyncFilters {
    /** The largest filter body accepted (the route's limit; a bigger one is 413 M_TOO_LARGE). */
    public static final long MAX_FILTER_BYTES = 64 * 1024;

    private final FilterStore store;

    public FiltersApi(dev.starling.server.storage.Database db) {
        this.store = new FilterStore(db);
    }

    /** POST /_matrix/client/v3/user/{userId}/filter — Client-Server API § Filtering. */
    public MatrixResponse upload(MatrixRequest request) {
        UserId user = ownUser(request, "create");
        ObjectNode filter = request.jsonBody();
        FilterValidator.validate(filter);
        long id = store.add(user, filter);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        // An ID never starts with "{": that is how /sync tells inline filters apart.
        body.put("filter_id", Long.toString(id));
        return MatrixResponse.ok(body);
    }

    /** GET /_matrix/client/v3/user/{userId}/filter/{filterId} — Client-Server API § Filtering. */
    public MatrixResponse download(MatrixRequest request) {
        UserId user = ownUser(request, "read");
        return MatrixResponse.ok(find(user, request.pathParam("filterId"))
                .orElseThrow(() -> MatrixException.notFound("no such filter")));
    }

    /** A filter ID in /sync's {@code filter}: unknown or not a filter ID is 400 M_INVALID_PARAM (as Synapse). */
    @Override
    public SyncFilter byId(UserId user, String filterId) {
        return new SyncFilter(find(user, filterId)
                .orElseThrow(() -> MatrixException.invalidParam("filter", "no such filter")));
    }

    private java.util.Optional<ObjectNode> find(UserId user, String filterId) {
        if (filterId.isEmpty() || filterId.length() > 18 || !filterId.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return java.util.Optional.empty();
        }
        return store.get(user, Long.parseLong(filterId));
    }

    private static UserId ownUser(MatrixRequest request, String verb) {
        UserId self = request.requireDevice().userId();
        if (!request.pathParam("userId").equals(self.value())) {
            throw MatrixException.forbidden("cannot " + verb + " filters for other users");
        }
        return self;
    }
}
