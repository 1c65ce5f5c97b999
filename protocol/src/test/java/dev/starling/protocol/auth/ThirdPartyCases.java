package dev.starling.protocol.auth;

import static dev.starling.protocol.auth.RoomFixture.BOB;
import static dev.starling.protocol.auth.RoomFixture.CAROL;
import static dev.starling.protocol.auth.RoomFixture.MOD;
import static dev.starling.protocol.auth.RoomFixture.json;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.json.CanonicalJson;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Rule 4.4.1 (invites from third-party invite tokens) and rule 6 (m.room.third_party_invite events). */
final class ThirdPartyCases {
    static final Ed25519PrivateKeyParameters KEY = key(7);
    static final Ed25519PrivateKeyParameters OTHER_KEY = key(9);
    static final String TOKEN = "tok3n";

    private ThirdPartyCases() {}

    static Ed25519PrivateKeyParameters key(int seed) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) seed);
        return new Ed25519PrivateKeyParameters(bytes, 0);
    }

    static String publicKey(Ed25519PrivateKeyParameters key, Base64.Encoder encoder) {
        return encoder.withoutPadding().encodeToString(key.generatePublicKey().getEncoded());
    }

    /** {@code signed} for a user and token, signed by {@code key} over its canonical JSON. */
    static ObjectNode signed(String mxid, String token, Ed25519PrivateKeyParameters key) {
        ObjectNode signed = JsonNodeFactory.instance.objectNode().put("mxid", mxid).put("token", token);
        byte[] message = CanonicalJson.encode(signed);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        String signature = Base64.getEncoder().withoutPadding().encodeToString(signer.generateSignature());
        signed.putObject("signatures").putObject("id.example.org").put("ed25519:0", signature);
        return signed;
    }

    static ObjectNode invite(ObjectNode signed) {
        ObjectNode content = JsonNodeFactory.instance.objectNode().put("membership", "invite");
        ObjectNode thirdParty = content.putObject("third_party_invite").put("display_name", "c...@example.com");
        if (signed != null) {
            thirdParty.set("signed", signed);
        }
        return content;
    }

    static Pdu tokenEvent(RoomFixture room, ObjectNode content) {
        return room.event(EventTypes.THIRD_PARTY_INVITE, MOD, TOKEN, content);
    }

    static ObjectNode tokenContent(String publicKey) {
        return JsonNodeFactory.instance.objectNode().put("display_name", "c...@example.com")
                .put("key_validity_url", "https://id.example.org/_matrix/identity/v2/pubkey/isvalid")
                .put("public_key", publicKey);
    }

    static void add(AuthCase.Rows rows) {
        RoomFixture room = rows.standard();
        RoomFixture withToken = room.copy().put(tokenEvent(room, tokenContent(publicKey(KEY, Base64.getEncoder()))));
        String carol = CAROL.value();

        rows.allow("3pid invite signed with the token's public_key", withToken.member(MOD, carol, invite(signed(carol, TOKEN, KEY))), withToken);
        ObjectNode listed = tokenContent(publicKey(OTHER_KEY, Base64.getEncoder()));
        listed.putArray("public_keys").addObject().put("public_key", publicKey(KEY, Base64.getUrlEncoder()));
        RoomFixture withList = room.copy().put(tokenEvent(room, listed));
        rows.allow("3pid invite signed with a key in public_keys (URL-safe base64)",
                withList.member(MOD, carol, invite(signed(carol, TOKEN, KEY))), withList);
        rows.deny(AuthRule.THIRD_PARTY_INVITE, "3pid invite signed with another key",
                withToken.member(MOD, carol, invite(signed(carol, TOKEN, OTHER_KEY))), withToken);
        ObjectNode forged = signed(RoomFixture.user("eve").value(), TOKEN, KEY).put("mxid", carol);
        rows.deny(AuthRule.THIRD_PARTY_INVITE, "3pid invite whose signed mxid was altered after signing",
                withToken.member(MOD, carol, invite(forged)), withToken);
        ObjectNode unsigned = signed(carol, TOKEN, KEY);
        unsigned.remove("signatures");
        rows.deny(AuthRule.THIRD_PARTY_INVITE, "3pid invite without signatures", withToken.member(MOD, carol, invite(unsigned)), withToken);
        rows.deny(AuthRule.THIRD_PARTY_INVITE, "3pid invite without signed", withToken.member(MOD, carol, invite(null)), withToken);
        ObjectNode noToken = signed(carol, TOKEN, KEY);
        noToken.remove("token");
        rows.deny(AuthRule.THIRD_PARTY_INVITE, "3pid invite whose signed has no token", withToken.member(MOD, carol, invite(noToken)), withToken);
        rows.deny(AuthRule.THIRD_PARTY_INVITE, "3pid invite for another user than signed.mxid",
                withToken.member(MOD, BOB.value(), invite(signed(carol, TOKEN, KEY))), withToken);
        rows.deny(AuthRule.THIRD_PARTY_INVITE, "3pid invite with no m.room.third_party_invite for the token",
                room.member(MOD, carol, invite(signed(carol, TOKEN, KEY))), room);
        rows.deny(AuthRule.THIRD_PARTY_INVITE, "3pid invite sent by another user than the token's sender",
                withToken.member(BOB, carol, invite(signed(carol, TOKEN, KEY))), withToken);
        rows.deny(AuthRule.THIRD_PARTY_INVITE, "3pid invite of a banned user",
                withToken.member(MOD, carol, invite(signed(carol, TOKEN, KEY))), withToken.copy().membership(CAROL, "ban"));
        RoomFixture badKey = room.copy().put(tokenEvent(room, tokenContent("not base64!")));
        rows.deny(AuthRule.THIRD_PARTY_INVITE, "3pid invite whose token event has an undecodable key",
                badKey.member(MOD, carol, invite(signed(carol, TOKEN, KEY))), badKey);

        ObjectNode junkFirst = signed(carol, TOKEN, KEY);
        String good = junkFirst.get("signatures").get("id.example.org").get("ed25519:0").textValue();
        junkFirst.set("signatures", json("{'a.example':'not an object','id.example.org':{'ed25519:short':'AAAA','ed25519:num':5,'ed25519:0':'" + good + "'}}"));
        rows.allow("3pid invite whose valid signature follows malformed ones", withToken.member(MOD, carol, invite(junkFirst)), withToken);
        // y = 2^255 − 1 is not a field element, so this 32-byte key is not a curve point.
        byte[] notAPoint = new byte[32];
        Arrays.fill(notAPoint, (byte) 0xff);
        RoomFixture offCurve = room.copy().put(tokenEvent(room, tokenContent(Base64.getEncoder().withoutPadding().encodeToString(notAPoint))));
        rows.deny(AuthRule.THIRD_PARTY_INVITE, "3pid invite whose token key is not a curve point",
                offCurve.member(MOD, carol, invite(signed(carol, TOKEN, KEY))), offCurve);
        // SECURITY.md 9: the identity (small-order) key with the trivial signature R = identity, S = 0 must fail.
        byte[] identity = new byte[32];
        identity[0] = 1;
        byte[] trivial = new byte[64];
        trivial[0] = 1;
        RoomFixture weak = room.copy().put(tokenEvent(room, tokenContent(Base64.getEncoder().withoutPadding().encodeToString(identity))));
        ObjectNode trivialSigned = signed(carol, TOKEN, KEY);
        trivialSigned.putObject("signatures").putObject("id.example.org")
                .put("ed25519:0", Base64.getEncoder().withoutPadding().encodeToString(trivial));
        rows.deny(AuthRule.THIRD_PARTY_INVITE, "3pid invite with the identity key and a trivial signature",
                weak.member(MOD, carol, invite(trivialSigned)), weak);

        // Rule 6: the invite level, not the event's required level, governs m.room.third_party_invite.
        ObjectNode content = tokenContent(publicKey(KEY, Base64.getEncoder()));
        RoomFixture typeLevel = room.copy().levels(pl -> pl.set("events", json("{'m.room.power_levels':50,'m.room.third_party_invite':100}")));
        rows.allow("m.room.third_party_invite by a member at the invite level (events level ignored)",
                typeLevel.event(EventTypes.THIRD_PARTY_INVITE, BOB, "t1", content), typeLevel);
        RoomFixture inviteFifty = room.copy().levels(pl -> pl.put("invite", 50));
        rows.deny(AuthRule.INSUFFICIENT_POWER, "m.room.third_party_invite below the invite level",
                inviteFifty.event(EventTypes.THIRD_PARTY_INVITE, BOB, "t1", content), inviteFifty);
        rows.deny(AuthRule.SENDER_NOT_JOINED, "m.room.third_party_invite by a non-member",
                room.event(EventTypes.THIRD_PARTY_INVITE, CAROL, "t1", content), room);
    }
}
