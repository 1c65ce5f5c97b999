package dev.starling.mesh.exchange;

/** The answer to a {@link MeshRequest}: an HTTP status and a body. */
public record MeshResponse(int status, byte[] body) {
    public MeshResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("bad status " + status);
        }
        body = body == null ? new byte[0] : body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public String toString() {
        return "MeshResponse[" + status + " body " + body.length + " bytes]";
    }
}
