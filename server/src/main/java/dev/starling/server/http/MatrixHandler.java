package dev.starling.server.http;

/**
 * The code behind one route: plain blocking code, run on a virtual thread. Throw {@link MatrixException}
 * for an expected error; anything else becomes 500 M_UNKNOWN.
 */
@FunctionalInterface
public interface MatrixHandler {
    MatrixResponse handle(MatrixRequest request) throws Exception;
}
