package dev.starling.server;

import dev.starling.server.accountdata.AccountDataApi;
import dev.starling.server.aliases.AliasesApi;
import dev.starling.server.aliases.DirectoryApi;
import dev.starling.server.backup.BackupApi;
import dev.starling.server.devices.DevicesApi;
import dev.starling.server.discovery.DiscoveryApi;
import dev.starling.server.filters.FiltersApi;
import dev.starling.server.http.Access;
import dev.starling.server.http.RateLimit;
import dev.starling.server.http.Route;
import dev.starling.server.http.Router;
import dev.starling.server.keys.CrossSigningApi;
import dev.starling.server.keys.KeysApi;
import dev.starling.server.media.MediaApi;
import dev.starling.server.profile.ProfileApi;
import dev.starling.server.push.PushRulesApi;
import dev.starling.server.receipts.ReceiptsApi;
import dev.starling.server.rooms.ContextApi;
import dev.starling.server.rooms.MembershipApi;
import dev.starling.server.rooms.MessagesApi;
import dev.starling.server.rooms.RedactionsApi;
import dev.starling.server.rooms.RelationsApi;
import dev.starling.server.rooms.RoomsApi;
import dev.starling.server.sync.SyncApi;
import dev.starling.server.presence.PresenceApi;
import dev.starling.server.todevice.ToDeviceApi;
import dev.starling.server.typing.TypingApi;
import dev.starling.server.users.AccountsApi;
import java.util.List;

/**
 * Every Client-Server API route, in one table. Each handler's first doc line names its method, path and
 * spec section. Routes need an access token unless marked otherwise.
 */
public final class ClientServerRoutes {
    private ClientServerRoutes() {}

    /** The HTTP faces of every area, as {@code HomeServer} builds them. */
    public record Apis(DiscoveryApi discovery, AccountsApi accounts, RoomsApi rooms, MembershipApi membership,
            MessagesApi messages, SyncApi sync, AliasesApi aliases, DirectoryApi directory, ProfileApi profile,
            MediaApi media, KeysApi keys, CrossSigningApi crossSigning, ToDeviceApi toDevice, DevicesApi devices,
            BackupApi backup, TypingApi typing, ReceiptsApi receipts, AccountDataApi accountData,
            PushRulesApi pushRules, FiltersApi filters, RedactionsApi redactions, ContextApi context,
            RelationsApi relations, PresenceApi presence) {}

    public static Router router(Apis a) {
        String pushRule = "/_matrix/client/v3/pushrules/global/{kind}/{ruleId}";
        return Router.of(List.of(
                // discovery
                Route.get("/.well-known/matrix/client", a.discovery()::wellKnownClient).access(Access.PUBLIC),
                Route.get("/_matrix/client/versions", a.discovery()::versions).access(Access.OPTIONAL),
                Route.get("/_matrix/client/v3/capabilities", a.discovery()::capabilities),
                // users: registration, login, logout
                Route.post("/_matrix/client/v3/register", a.accounts()::register).access(Access.PUBLIC)
                        .rateLimited(RateLimit.REGISTRATION),
                Route.get("/_matrix/client/v3/register/available", a.accounts()::available).access(Access.PUBLIC)
                        .rateLimited(RateLimit.REGISTRATION),
                Route.get("/_matrix/client/v1/register/m.login.registration_token/validity", a.accounts()::tokenValidity)
                        .access(Access.PUBLIC).rateLimited(RateLimit.REGISTRATION),
                Route.get("/_matrix/client/v3/login", a.accounts()::loginFlows).access(Access.PUBLIC),
                Route.post("/_matrix/client/v3/login", a.accounts()::login).access(Access.PUBLIC)
                        .rateLimited(RateLimit.LOGIN),
                Route.post("/_matrix/client/v3/logout", a.accounts()::logout),
                Route.post("/_matrix/client/v3/logout/all", a.accounts()::logoutAll),
                Route.get("/_matrix/client/v3/account/whoami", a.accounts()::whoami),
                Route.post("/_matrix/client/v3/account/password", a.accounts()::changePassword)
                        .rateLimited(RateLimit.LOGIN),
                // rooms: creation, events, state
                Route.post("/_matrix/client/v3/createRoom", a.rooms()::createRoom),
                Route.put("/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}",
                        a.presence().activity(a.rooms()::send)).rateLimited(RateLimit.MESSAGES),
                Route.put("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey?}", a.rooms()::putState),
                Route.get("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey?}", a.rooms()::getState),
                Route.get("/_matrix/client/v3/rooms/{roomId}/state", a.rooms()::allState),
                Route.get("/_matrix/client/v3/rooms/{roomId}/event/{eventId}", a.rooms()::event),
                Route.get("/_matrix/client/v3/rooms/{roomId}/messages", a.messages()::messages),
                Route.put("/_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}", a.redactions()::redact)
                        .rateLimited(RateLimit.MESSAGES),
                Route.get("/_matrix/client/v3/rooms/{roomId}/context/{eventId}", a.context()::context),
                Route.get("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}", a.relations()::relations),
                Route.get("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}", a.relations()::relations),
                Route.get("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}",
                        a.relations()::relations),
                Route.get("/_matrix/client/v1/rooms/{roomId}/threads", a.relations()::threads),
                // sync
                Route.get("/_matrix/client/v3/sync", a.presence().syncing(a.sync()::sync)),
                // rooms: membership
                Route.post("/_matrix/client/v3/rooms/{roomId}/join", a.membership()::join).rateLimited(RateLimit.JOINS),
                Route.post("/_matrix/client/v3/join/{roomIdOrAlias}", a.membership()::joinByIdOrAlias)
                        .rateLimited(RateLimit.JOINS),
                Route.post("/_matrix/client/v3/rooms/{roomId}/invite", a.membership()::invite)
                        .rateLimited(RateLimit.INVITES),
                Route.post("/_matrix/client/v3/rooms/{roomId}/leave", a.membership()::leave),
                Route.post("/_matrix/client/v3/rooms/{roomId}/forget", a.membership()::forget),
                Route.post("/_matrix/client/v3/rooms/{roomId}/kick", a.membership()::kick),
                Route.post("/_matrix/client/v3/rooms/{roomId}/ban", a.membership()::ban),
                Route.post("/_matrix/client/v3/rooms/{roomId}/unban", a.membership()::unban),
                Route.get("/_matrix/client/v3/joined_rooms", a.membership()::joinedRooms),
                Route.get("/_matrix/client/v3/rooms/{roomId}/members", a.membership()::members),
                Route.get("/_matrix/client/v3/rooms/{roomId}/joined_members", a.membership()::joinedMembers),
                // aliases
                Route.put("/_matrix/client/v3/directory/room/{roomAlias}", a.aliases()::create),
                Route.get("/_matrix/client/v3/directory/room/{roomAlias}", a.aliases()::resolve).access(Access.OPTIONAL),
                Route.delete("/_matrix/client/v3/directory/room/{roomAlias}", a.aliases()::delete),
                Route.get("/_matrix/client/v3/rooms/{roomId}/aliases", a.aliases()::roomAliases),
                // the room directory
                Route.get("/_matrix/client/v3/directory/list/room/{roomId}", a.directory()::visibility)
                        .access(Access.OPTIONAL),
                Route.put("/_matrix/client/v3/directory/list/room/{roomId}", a.directory()::setVisibility),
                Route.get("/_matrix/client/v3/publicRooms", a.directory()::publicRooms).access(Access.OPTIONAL),
                Route.post("/_matrix/client/v3/publicRooms", a.directory()::searchPublicRooms),
                // profile
                Route.get("/_matrix/client/v3/profile/{userId}", a.profile()::profile).access(Access.OPTIONAL),
                Route.get("/_matrix/client/v3/profile/{userId}/displayname", a.profile()::displayname)
                        .access(Access.OPTIONAL),
                Route.put("/_matrix/client/v3/profile/{userId}/displayname", a.profile()::setDisplayname),
                Route.get("/_matrix/client/v3/profile/{userId}/avatar_url", a.profile()::avatarUrl).access(Access.OPTIONAL),
                Route.put("/_matrix/client/v3/profile/{userId}/avatar_url", a.profile()::setAvatarUrl),
                // media: uploads stream within max_upload_size; /_matrix/media/r0 is served as v3 (Router)
                Route.post("/_matrix/media/v3/upload", a.media()::upload).maxBodyBytes(a.media().maxUploadSize())
                        .rateLimited(RateLimit.MEDIA_UPLOADS),
                Route.post("/_matrix/media/v1/create", a.media()::create).rateLimited(RateLimit.MEDIA_UPLOADS),
                Route.put("/_matrix/media/v3/upload/{serverName}/{mediaId}", a.media()::uploadTo)
                        .maxBodyBytes(a.media().maxUploadSize()).rateLimited(RateLimit.MEDIA_UPLOADS),
                Route.get("/_matrix/client/v1/media/config", a.media()::config),
                Route.get("/_matrix/client/v1/media/download/{serverName}/{mediaId}/{fileName?}", a.media()::download),
                Route.get("/_matrix/client/v1/media/thumbnail/{serverName}/{mediaId}", a.media()::thumbnail),
                // media, deprecated since v1.11: unauthenticated downloads (matrix-nio 0.20 uses them)
                Route.get("/_matrix/media/v3/config", a.media()::config),
                Route.get("/_matrix/media/v3/download/{serverName}/{mediaId}/{fileName?}", a.media()::download)
                        .access(Access.PUBLIC),
                Route.get("/_matrix/media/v3/thumbnail/{serverName}/{mediaId}", a.media()::thumbnail)
                        .access(Access.PUBLIC),
                // E2EE: device keys, one-time and fallback keys, cross-signing
                Route.post("/_matrix/client/v3/keys/upload", a.keys()::upload),
                Route.post("/_matrix/client/v3/keys/query", a.keys()::query),
                Route.post("/_matrix/client/v3/keys/claim", a.keys()::claim),
                Route.get("/_matrix/client/v3/keys/changes", a.keys()::changes),
                Route.post("/_matrix/client/v3/keys/device_signing/upload", a.crossSigning()::uploadKeys),
                Route.post("/_matrix/client/v3/keys/signatures/upload", a.crossSigning()::uploadSignatures),
                // to-device messages
                Route.put("/_matrix/client/v3/sendToDevice/{eventType}/{txnId}", a.toDevice()::send)
                        .rateLimited(RateLimit.MESSAGES),
                // devices
                Route.get("/_matrix/client/v3/devices", a.devices()::list),
                Route.get("/_matrix/client/v3/devices/{deviceId}", a.devices()::get),
                Route.put("/_matrix/client/v3/devices/{deviceId}", a.devices()::update),
                Route.delete("/_matrix/client/v3/devices/{deviceId}", a.devices()::delete),
                Route.post("/_matrix/client/v3/delete_devices", a.devices()::deleteMany),
                // server-side key backup
                Route.post("/_matrix/client/v3/room_keys/version", a.backup()::createVersion),
                Route.get("/_matrix/client/v3/room_keys/version", a.backup()::currentVersion),
                Route.get("/_matrix/client/v3/room_keys/version/{version}", a.backup()::getVersion),
                Route.put("/_matrix/client/v3/room_keys/version/{version}", a.backup()::updateVersion),
                Route.delete("/_matrix/client/v3/room_keys/version/{version}", a.backup()::deleteVersion),
                Route.get("/_matrix/client/v3/room_keys/keys", a.backup()::getKeys),
                Route.put("/_matrix/client/v3/room_keys/keys", a.backup()::putKeys),
                Route.delete("/_matrix/client/v3/room_keys/keys", a.backup()::deleteKeys),
                Route.get("/_matrix/client/v3/room_keys/keys/{roomId}", a.backup()::getKeys),
                Route.put("/_matrix/client/v3/room_keys/keys/{roomId}", a.backup()::putKeys),
                Route.delete("/_matrix/client/v3/room_keys/keys/{roomId}", a.backup()::deleteKeys),
                Route.get("/_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}", a.backup()::getKeys),
                Route.put("/_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}", a.backup()::putKeys),
                Route.delete("/_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}", a.backup()::deleteKeys),
                // typing, receipts, read markers
                Route.put("/_matrix/client/v3/rooms/{roomId}/typing/{userId}", a.typing()::setTyping),
                Route.post("/_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId}", a.receipts()::receipt),
                Route.post("/_matrix/client/v3/rooms/{roomId}/read_markers", a.receipts()::readMarkers),
                // presence
                Route.put("/_matrix/client/v3/presence/{userId}/status", a.presence()::setStatus),
                Route.get("/_matrix/client/v3/presence/{userId}/status", a.presence()::getStatus),
                // account data, room tags
                Route.put("/_matrix/client/v3/user/{userId}/account_data/{type}", a.accountData()::putGlobal),
                Route.get("/_matrix/client/v3/user/{userId}/account_data/{type}", a.accountData()::getGlobal),
                Route.put("/_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}", a.accountData()::putRoom),
                Route.get("/_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}", a.accountData()::getRoom),
                Route.get("/_matrix/client/v3/user/{userId}/rooms/{roomId}/tags", a.accountData()::tags),
                Route.put("/_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}", a.accountData()::putTag),
                Route.delete("/_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}", a.accountData()::deleteTag),
                // push rules ({scope?} and {kind?} serve the spec's trailing-slash paths /pushrules/, /pushrules/global/)
                Route.get("/_matrix/client/v3/pushrules/{scope?}", a.pushRules()::all),
                Route.get("/_matrix/client/v3/pushrules/global/{kind?}", a.pushRules()::global),
                Route.get(pushRule, a.pushRules()::get),
                Route.put(pushRule, a.pushRules()::put),
                Route.delete(pushRule, a.pushRules()::delete),
                Route.get(pushRule + "/enabled", a.pushRules()::getEnabled),
                Route.put(pushRule + "/enabled", a.pushRules()::putEnabled),
                Route.get(pushRule + "/actions", a.pushRules()::getActions),
                Route.put(pushRule + "/actions", a.pushRules()::putActions),
                // filters
                Route.post("/_matrix/client/v3/user/{userId}/filter", a.filters()::upload)
                        .maxBodyBytes(FiltersApi.MAX_FILTER_BYTES),
                Route.get("/_matrix/client/v3/user/{userId}/filter/{filterId}", a.filters()::download)));
    }
}
