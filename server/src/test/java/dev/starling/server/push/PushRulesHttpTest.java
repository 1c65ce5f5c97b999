package dev.starling.server.push;

import static dev.starling.server.SideChannels.accountData;
import static dev.starling.server.SideChannels.since;
import static dev.starling.server.SideChannels.sync;
import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.rooms.RoomClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;

/** The push rules API and m.push_rules in /sync, through the real homeserver, on every database. */
class PushRulesHttpTest {
    static final String RULES = V3 + "/pushrules/global/";

    static List<String> ids(JsonNode rules) {
        List<String> ids = new ArrayList<>();
        rules.forEach(rule -> ids.add(rule.path("rule_id").asText()));
        return ids;
    }

    static JsonNode rule(JsonNode kind, String id) {
        for (JsonNode rule : kind) {
            if (rule.path("rule_id").asText().equals(id)) {
                return rule;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @OnEveryDatabase
    void theDefaultRulesNameTheUser(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = RoomClient.register(server, "alice");
            Reply all = server.get(V3 + "/pushrules/", alice);
            assertThat(all.status()).isEqualTo(200);
            JsonNode global = all.json().path("global");
            assertThat(ids(global.path("override"))).startsWith(".m.rule.master", ".m.rule.suppress_notices")
                    .contains(".m.rule.is_user_mention", ".m.rule.is_room_mention", ".m.rule.member_event",
                            ".m.rule.contains_display_name", ".m.rule.roomnotif", ".m.rule.tombstone");
            assertThat(ids(global.path("underride"))).containsExactly(".m.rule.call",
                    ".m.rule.encrypted_room_one_to_one", ".m.rule.room_one_to_one", ".m.rule.message",
                    ".m.rule.encrypted");
            assertThat(rule(global.path("content"), ".m.rule.contains_user_name").path("pattern").asText())
                    .isEqualTo("alice");
            assertThat(rule(global.path("override"), ".m.rule.is_user_mention").path("conditions").get(0)
                    .path("value").asText()).isEqualTo("@alice:example.org");
            assertThat(rule(global.path("override"), ".m.rule.master").path("enabled").asBoolean()).isFalse();
            assertThat(global.path("room").isArray() && global.path("sender").isArray()).isTrue();
            assertThat(server.get(V3 + "/pushrules/global/", alice).json()).isEqualTo(global);
            assertThat(server.get(V3 + "/pushrules", alice).json().path("global")).isEqualTo(global);
            assertThat(ids(server.get(RULES + "underride", alice).json())).contains(".m.rule.message");
        }
    }

    @OnEveryDatabase
    void userRulesAreAddedOrderedReadChangedAndDeleted(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = RoomClient.register(server, "alice");
            JsonNode before = sync(server, alice, "");
            assertThat(accountData(before, "m.push_rules")).as("on every initial sync").hasSize(1);
            String cake = "{\"pattern\":\"cake\",\"actions\":[\"notify\",{\"set_tweak\":\"sound\",\"value\":\"a.wav\"}]}";
            assertThat(server.put(RULES + "content/cake", cake, alice).status()).isEqualTo(200);
            assertThat(server.put(RULES + "content/lie", "{\"pattern\":\"cake*lie\",\"actions\":[\"notify\"]}",
                    alice).status()).isEqualTo(200);
            assertThat(server.put(RULES + "content/pie?before=cake", "{\"pattern\":\"pie\",\"actions\":[]}", alice)
                    .status()).isEqualTo(200);
            assertThat(server.put(RULES + "content/tea?after=cake", "{\"pattern\":\"tea\",\"actions\":[]}", alice)
                    .status()).isEqualTo(200);
            JsonNode content = server.get(RULES + "content", alice).json();
            assertThat(ids(content)).containsExactly("lie", "pie", "cake", "tea", ".m.rule.contains_user_name");

            JsonNode got = server.get(RULES + "content/cake", alice).json();
            assertThat(got.path("pattern").asText()).isEqualTo("cake");
            assertThat(got.path("default").asBoolean()).isFalse();
            assertThat(got.path("enabled").asBoolean()).isTrue();
            assertThat(server.put(RULES + "content/cake/enabled", "{\"enabled\":false}", alice).status())
                    .isEqualTo(200);
            assertThat(server.get(RULES + "content/cake/enabled", alice).json().path("enabled").asBoolean()).isFalse();
            assertThat(server.put(RULES + "content/cake/actions", "{\"actions\":[\"dont_notify\"]}", alice).status())
                    .isEqualTo(200);
            assertThat(server.get(RULES + "content/cake/actions", alice).json().path("actions").isEmpty())
                    .as("historical dont_notify is dropped").isTrue();

            assertThat(server.put(RULES + "override/.m.rule.master/enabled", "{\"enabled\":true}", alice).status())
                    .isEqualTo(200);
            assertThat(server.put(RULES + "underride/.m.rule.message/actions",
                    "{\"actions\":[\"notify\",{\"set_tweak\":\"highlight\"}]}", alice).status()).isEqualTo(200);
            JsonNode global = server.get(V3 + "/pushrules/", alice).json().path("global");
            assertThat(rule(global.path("override"), ".m.rule.master").path("enabled").asBoolean()).isTrue();
            assertThat(rule(global.path("underride"), ".m.rule.message").path("actions").size()).isEqualTo(2);

            String roomRule = RULES + "room/" + path("!someroom:example.org");
            assertThat(server.put(roomRule, "{\"actions\":[]}", alice).status()).isEqualTo(200);
            assertThat(server.put(RULES + "sender/" + path("@spam:example.org"), "{\"actions\":[]}", alice).status())
                    .isEqualTo(200);
            assertThat(server.put(RULES + "override/beer", "{\"conditions\":[{\"kind\":\"event_match\","
                    + "\"key\":\"content.body\",\"pattern\":\"beer\"}],\"actions\":[\"notify\"]}", alice).status())
                    .isEqualTo(200);
            assertThat(ids(server.get(RULES + "override", alice).json())).startsWith(".m.rule.master", "beer");

            assertThat(server.send("DELETE", RULES + "content/lie", null, alice).status()).isEqualTo(200);
            assertThat(server.get(RULES + "content/lie", alice).status()).isEqualTo(404);

            JsonNode after = sync(server, alice, since(before));
            List<JsonNode> pushRules = accountData(after, "m.push_rules");
            assertThat(pushRules).as("a change sends m.push_rules again").hasSize(1);
            assertThat(ids(pushRules.get(0).path("content").path("global").path("content")))
                    .containsExactly("pie", "cake", "tea", ".m.rule.contains_user_name");
            assertThat(accountData(sync(server, alice, since(after)), "m.push_rules")).isEmpty();
        }
    }

    @OnEveryDatabase
    void badRulesAreRefusedAndNothingIsStored(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = RoomClient.register(server, "alice");
            String body = "{\"actions\":[\"notify\"],\"pattern\":\"x\"}";
            assertBad(server.put(RULES + "content/.mine", body, alice), 400, "M_INVALID_PARAM");
            assertBad(server.put(RULES + "content/a%5Cb", body, alice), 400, "M_INVALID_PARAM");
            assertBad(server.put(RULES + "nonsense/x", body, alice), 400, "M_INVALID_PARAM");
            assertBad(server.put(RULES + "content/x", "{\"actions\":[\"notify\"]}", alice), 400, "M_BAD_JSON");
            assertBad(server.put(RULES + "content/x", "{\"pattern\":\"x\"}", alice), 400, "M_BAD_JSON");
            assertBad(server.put(RULES + "content/x", "{\"pattern\":\"x\",\"actions\":[\"explode\"]}", alice), 400,
                    "M_BAD_JSON");
            assertBad(server.put(RULES + "override/x", "{\"actions\":[],\"conditions\":[{\"key\":\"x\"}]}", alice),
                    400, "M_BAD_JSON");
            assertBad(server.put(RULES + "room/not-a-room", "{\"actions\":[]}", alice), 400, "M_INVALID_PARAM");
            assertBad(server.put(RULES + "sender/not-a-user", "{\"actions\":[]}", alice), 400, "M_INVALID_PARAM");
            assertBad(server.put(RULES + "content/x?before=missing", body, alice), 400, "M_UNKNOWN");
            assertBad(server.get(RULES + "content/missing", alice), 404, "M_NOT_FOUND");
            assertBad(server.get(RULES + "override/.m.rule.nonsense", alice), 404, "M_NOT_FOUND");
            assertBad(server.send("DELETE", RULES + "content/missing", null, alice), 404, "M_NOT_FOUND");
            assertBad(server.send("DELETE", RULES + "override/.m.rule.master", null, alice), 400, "M_INVALID_PARAM");
            assertBad(server.put(RULES + "content/missing/enabled", "{\"enabled\":true}", alice), 404, "M_NOT_FOUND");
            assertBad(server.put(RULES + "override/.m.rule.master/enabled", "{\"enabled\":1}", alice), 400,
                    "M_BAD_JSON");
            assertBad(server.put(RULES + "override/.m.rule.master/actions", "{\"actions\":\"notify\"}", alice), 400,
                    "M_BAD_JSON");
            assertThat(server.queryLong("SELECT COUNT(*) FROM push_rules")
                    + server.queryLong("SELECT COUNT(*) FROM push_rule_defaults")
                    + server.queryLong("SELECT COUNT(*) FROM push_rules_stream")).as("nothing stored").isZero();
        }
    }

    static void assertBad(Reply reply, int status, String errcode) {
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(status);
        assertThat(reply.errcode()).isEqualTo(errcode);
    }
}
