package dev.starling.olm.session;

/** An encrypted Olm message as {@code m.room.encrypted} carries it: type 0 (pre-key) or 1 (normal) and the base64 body. */
public record EncryptedMessage(int type, String body) {
    /** The type of a pre-key message. */
    public static final int PRE_KEY = 0;
    /** The type of a normal message. */
    public static final int NORMAL = 1;

    public EncryptedMessage {
        if (type != PRE_KEY && type != NORMAL) {
            throw new OlmException(OlmException.Problem.WRONG_MESSAGE_TYPE, "message type " + type + " is neither 0 nor 1");
        }
        if (body == null) {
            throw new OlmException(OlmException.Problem.TRUNCATED, "the message body is missing");
        }
    }
}
