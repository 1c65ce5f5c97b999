package dev.starling.server.http;

/**
 * Told of every request the dispatcher serves (for metrics): when it starts and, once answered, its route
 * template, method and status. Labels are bounded by construction: the route is a template of the route
 * table or {@link #UNROUTED}, never a raw path; the method is one of {@link HttpMethod} or {@code OTHER}.
 * Called on the request's thread: it must be quick and must not block. CORS preflights are not observed.
 */
public interface RequestObserver {
    /** The route label of a request that matched no route (404, 405, a badly encoded path). */
    String UNROUTED = "unrouted";

    RequestObserver NONE = new RequestObserver() {
        @Override
        public void started() {}

        @Override
        public void finished(String route, String method, int status, long nanos) {}
    };

    /** A request arrived (in flight until {@link #finished}). */
    void started();

    /**
     * The request was answered.
     *
     * @param route the route's path template, or {@link #UNROUTED}
     * @param method the HTTP method, or {@code OTHER} for one the server does not know
     * @param status the HTTP status sent
     * @param nanos how long it took, from arrival to the answer being handed to Jetty
     */
    void finished(String route, String method, int status, long nanos);
}
