/*
 * libolm side of scripts/bench-olm.sh: the same operations, plaintext sizes and session states as
 * dev.starling.bench.OlmBenchmark, timed with CLOCK_MONOTONIC around the measured call only (message
 * preparation, buffer copies and random bytes are outside the timed region, as in the JMH benchmark's
 * per-invocation setup). Links against Debian's libolm-dev (libolm 3.2.13).
 *
 *   olm_bench [iterations] [seconds per iteration] [operation]
 *       (defaults 5, 1 and every operation; one warmup iteration first)
 *
 * Prints one line per operation: name, median microseconds per operation over the iterations, then each
 * iteration's figure. Exits non-zero if any libolm call fails (so a wrong path is never measured).
 */
#include <olm/olm.h>
#include <olm/inbound_group_session.h>
#include <olm/outbound_group_session.h>
#include <olm/pk.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PLAINTEXT 256
#define MAX_ITER 50

static uint8_t plaintext[PLAINTEXT];

static void die(const char *what, const char *err) {
    fprintf(stderr, "olm_bench: %s failed: %s\n", what, err ? err : "?");
    exit(1);
}

static void fill_random(uint8_t *buf, size_t len) {
    static FILE *urandom;
    if (!urandom && !(urandom = fopen("/dev/urandom", "rb"))) die("open /dev/urandom", "");
    if (len && fread(buf, 1, len, urandom) != len) die("read /dev/urandom", "");
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static OlmAccount *new_account(void) {
    OlmAccount *a = olm_account(malloc(olm_account_size()));
    size_t n = olm_create_account_random_length(a);
    uint8_t *r = malloc(n);
    fill_random(r, n);
    if (olm_create_account(a, r, n) == olm_error()) die("olm_create_account", olm_account_last_error(a));
    free(r);
    n = olm_account_generate_fallback_key_random_length(a);
    r = malloc(n);
    fill_random(r, n);
    if (olm_account_generate_fallback_key(a, r, n) == olm_error()) die("fallback key", olm_account_last_error(a));
    free(r);
    return a;
}

/* The 43 characters of unpadded base64 after `"<field>":"` (or after the last `":"` when field is NULL). */
static void json_key(const char *json, const char *field, char out[44]) {
    const char *p;
    if (field) {
        char pat[64];
        snprintf(pat, sizeof pat, "\"%s\":\"", field);
        p = strstr(json, pat);
        if (!p) die("find key in JSON", json);
        p += strlen(pat);
    } else {
        p = NULL;
        for (const char *q = strstr(json, "\":\""); q; q = strstr(q + 1, "\":\"")) p = q + 3;
        if (!p) die("find key in JSON", json);
    }
    memcpy(out, p, 43);
    out[43] = 0;
}

static void identity_curve(OlmAccount *a, char out[44]) {
    size_t n = olm_account_identity_keys_length(a);
    char *buf = calloc(1, n + 1);
    olm_account_identity_keys(a, buf, n);
    json_key(buf, "curve25519", out);
    free(buf);
}

static void fallback_key(OlmAccount *a, char out[44]) {
    size_t n = olm_account_unpublished_fallback_key_length(a);
    char *buf = calloc(1, n + 1);
    olm_account_unpublished_fallback_key(a, buf, n);
    json_key(buf, NULL, out);
    free(buf);
}

/* Alice, Bob and a session pair in steady state: Alice sends normal (type 1) messages on one chain. */
static OlmAccount *alice, *bob;
static char bob_curve[44], bob_fallback[44], alice_curve[44];

static size_t encrypt(OlmSession *s, uint8_t *out, size_t cap, size_t *type) {
    size_t rn = olm_encrypt_random_length(s);
    uint8_t r[64];
    fill_random(r, rn);
    *type = olm_encrypt_message_type(s);
    size_t len = olm_encrypt_message_length(s, PLAINTEXT);
    if (len > cap) die("message buffer", "too small");
    if (olm_encrypt(s, plaintext, PLAINTEXT, r, rn, out, len) == olm_error()) die("olm_encrypt", olm_session_last_error(s));
    return len;
}

static void decrypt(OlmSession *s, size_t type, uint8_t *msg, size_t len) {
    uint8_t out[4096];
    size_t n = olm_decrypt(s, type, msg, len, out, sizeof out);
    if (n == olm_error()) die("olm_decrypt", olm_session_last_error(s));
    if (n != PLAINTEXT || memcmp(out, plaintext, PLAINTEXT)) die("olm_decrypt", "wrong plaintext");
}

static OlmSession *outbound(OlmAccount *from, const char *their_curve, const char *their_otk) {
    OlmSession *s = olm_session(malloc(olm_session_size()));
    uint8_t r[64];
    fill_random(r, olm_create_outbound_session_random_length(s));
    if (olm_create_outbound_session(s, from, their_curve, 43, their_otk, 43, r, 64) == olm_error())
        die("olm_create_outbound_session", olm_session_last_error(s));
    return s;
}

static void pair(OlmSession **a, OlmSession **b) {
    uint8_t msg[4096], copy[4096];
    size_t type;
    *a = outbound(alice, bob_curve, bob_fallback);
    size_t len = encrypt(*a, msg, sizeof msg, &type);
    *b = olm_session(malloc(olm_session_size()));
    memcpy(copy, msg, len);
    if (olm_create_inbound_session_from(*b, bob, alice_curve, 43, copy, len) == olm_error())
        die("olm_create_inbound_session_from", olm_session_last_error(*b));
    decrypt(*b, type, msg, len);
    len = encrypt(*b, msg, sizeof msg, &type); /* Bob answers, so Alice's next messages are normal ones */
    decrypt(*a, type, msg, len);
}

/* --- the operations: each runs once and returns the nanoseconds of its timed part --- */

static uint8_t out_random[64];
static double op_olm_outbound(void) {
    static uint8_t *mem;
    if (!mem) mem = malloc(olm_session_size());
    double t = now_ns();
    OlmSession *s = olm_session(mem);
    size_t rc = olm_create_outbound_session(s, alice, bob_curve, 43, bob_fallback, 43, out_random, 64);
    double d = now_ns() - t;
    if (rc == olm_error()) die("olm_create_outbound_session", olm_session_last_error(s));
    return d;
}

static uint8_t prekey[4096];
static size_t prekey_len;
static double op_olm_inbound(void) {
    static uint8_t *mem;
    uint8_t m1[4096], m2[4096], out[4096];
    if (!mem) mem = malloc(olm_session_size());
    memcpy(m1, prekey, prekey_len);
    memcpy(m2, prekey, prekey_len);
    double t = now_ns();
    OlmSession *s = olm_session(mem);
    size_t rc = olm_create_inbound_session_from(s, bob, alice_curve, 43, m1, prekey_len);
    size_t n = rc == olm_error() ? rc : olm_decrypt(s, 0, m2, prekey_len, out, sizeof out);
    double d = now_ns() - t;
    if (rc == olm_error() || n != PLAINTEXT) die("inbound session", olm_session_last_error(s));
    return d;
}

static OlmSession *enc_a, *enc_b, *dec_a, *dec_b;
static double op_olm_encrypt(void) {
    uint8_t msg[4096];
    size_t rn = olm_encrypt_random_length(enc_a); /* 0 on a steady chain */
    uint8_t r[64];
    fill_random(r, rn);
    size_t len = olm_encrypt_message_length(enc_a, PLAINTEXT);
    double t = now_ns();
    size_t rc = olm_encrypt(enc_a, plaintext, PLAINTEXT, r, rn, msg, len);
    double d = now_ns() - t;
    if (rc == olm_error()) die("olm_encrypt", olm_session_last_error(enc_a));
    return d;
}

static double op_olm_decrypt(void) {
    uint8_t msg[4096], out[4096];
    size_t type;
    size_t len = encrypt(dec_a, msg, sizeof msg, &type);
    if (type != 1) die("steady state", "not a normal message");
    double t = now_ns();
    size_t n = olm_decrypt(dec_b, type, msg, len, out, sizeof out);
    double d = now_ns() - t;
    if (n != PLAINTEXT) die("olm_decrypt", olm_session_last_error(dec_b));
    return d;
}

static OlmOutboundGroupSession *gout, *gout2;
static OlmInboundGroupSession *gin;
static double op_megolm_encrypt(void) {
    uint8_t msg[4096];
    size_t len = olm_group_encrypt_message_length(gout, PLAINTEXT);
    double t = now_ns();
    size_t rc = olm_group_encrypt(gout, plaintext, PLAINTEXT, msg, len);
    double d = now_ns() - t;
    if (rc == olm_error()) die("olm_group_encrypt", olm_outbound_group_session_last_error(gout));
    return d;
}

static double op_megolm_decrypt(void) {
    uint8_t msg[4096], out[4096];
    uint32_t index;
    size_t len = olm_group_encrypt_message_length(gout2, PLAINTEXT);
    if (olm_group_encrypt(gout2, plaintext, PLAINTEXT, msg, len) == olm_error()) die("olm_group_encrypt", "");
    double t = now_ns();
    size_t n = olm_group_decrypt(gin, msg, len, out, sizeof out, &index);
    double d = now_ns() - t;
    if (n != PLAINTEXT) die("olm_group_decrypt", olm_inbound_group_session_last_error(gin));
    return d;
}

/* Diagnostics: Ed25519 alone, over the 288 bytes a Megolm message with a 256-byte plaintext signs. */
#define SIGNED 288
static uint8_t signed_bytes[SIGNED];
static OlmPkSigning *pk;
static OlmUtility *utility;
static char pk_public[44], pk_signature[87];
static double op_ed25519_sign(void) {
    uint8_t sig[128];
    double t = now_ns();
    size_t rc = olm_pk_sign(pk, signed_bytes, SIGNED, sig, olm_pk_signature_length());
    double d = now_ns() - t;
    if (rc == olm_error()) die("olm_pk_sign", olm_pk_signing_last_error(pk));
    return d;
}

static double op_ed25519_verify(void) {
    char sig[87];
    memcpy(sig, pk_signature, 86);
    double t = now_ns();
    size_t rc = olm_ed25519_verify(utility, pk_public, 43, signed_bytes, SIGNED, sig, 86);
    double d = now_ns() - t;
    if (rc == olm_error()) die("olm_ed25519_verify", olm_utility_last_error(utility));
    return d;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static const char *only;

static void measure(const char *name, double (*op)(void), int iterations, double seconds) {
    double per_op[MAX_ITER];
    if (only && strcmp(only, name) != 0) return;
    for (int i = -1; i < iterations; i++) { /* i = -1: warmup */
        double timed = 0, wall_start = now_ns();
        long count = 0;
        while (now_ns() - wall_start < seconds * 1e9) {
            timed += op();
            count++;
        }
        if (i >= 0) per_op[i] = timed / count / 1000.0;
    }
    double sorted[MAX_ITER];
    memcpy(sorted, per_op, sizeof(double) * iterations);
    qsort(sorted, iterations, sizeof(double), cmp);
    printf("%s\t%.3f", name, sorted[iterations / 2]);
    for (int i = 0; i < iterations; i++) printf("\t%.3f", per_op[i]);
    printf("\n");
    fflush(stdout);
}

int main(int argc, char **argv) {
    int iterations = argc > 1 ? atoi(argv[1]) : 5;
    double seconds = argc > 2 ? atof(argv[2]) : 1.0;
    only = argc > 3 ? argv[3] : NULL;
    if (iterations < 1 || iterations > MAX_ITER) die("arguments", "iterations must be 1..50");
    for (int i = 0; i < PLAINTEXT; i++) plaintext[i] = (uint8_t)('a' + i % 26);

    alice = new_account();
    bob = new_account();
    identity_curve(alice, alice_curve);
    identity_curve(bob, bob_curve);
    fallback_key(bob, bob_fallback);
    fill_random(out_random, sizeof out_random);

    size_t type;
    OlmSession *s = outbound(alice, bob_curve, bob_fallback);
    prekey_len = encrypt(s, prekey, sizeof prekey, &type);
    if (type != 0) die("pre-key message", "wrong type");
    pair(&enc_a, &enc_b);
    pair(&dec_a, &dec_b);

    uint8_t r[256];
    gout = olm_outbound_group_session(malloc(olm_outbound_group_session_size()));
    gout2 = olm_outbound_group_session(malloc(olm_outbound_group_session_size()));
    fill_random(r, olm_init_outbound_group_session_random_length(gout));
    olm_init_outbound_group_session(gout, r, olm_init_outbound_group_session_random_length(gout));
    fill_random(r, olm_init_outbound_group_session_random_length(gout2));
    olm_init_outbound_group_session(gout2, r, olm_init_outbound_group_session_random_length(gout2));
    size_t klen = olm_outbound_group_session_key_length(gout2);
    uint8_t *key = malloc(klen);
    olm_outbound_group_session_key(gout2, key, klen);
    gin = olm_inbound_group_session(malloc(olm_inbound_group_session_size()));
    if (olm_init_inbound_group_session(gin, key, klen) == olm_error())
        die("olm_init_inbound_group_session", olm_inbound_group_session_last_error(gin));

    for (int i = 0; i < SIGNED; i++) signed_bytes[i] = (uint8_t)i;
    pk = olm_pk_signing(malloc(olm_pk_signing_size()));
    uint8_t seed[32];
    fill_random(seed, 32);
    if (olm_pk_signing_key_from_seed(pk, pk_public, 43, seed, 32) == olm_error())
        die("olm_pk_signing_key_from_seed", olm_pk_signing_last_error(pk));
    if (olm_pk_sign(pk, signed_bytes, SIGNED, (uint8_t *)pk_signature, 86) == olm_error())
        die("olm_pk_sign", olm_pk_signing_last_error(pk));
    utility = olm_utility(malloc(olm_utility_size()));

    measure("olmOutboundSession", op_olm_outbound, iterations, seconds);
    measure("olmInboundSession", op_olm_inbound, iterations, seconds);
    measure("olmEncrypt", op_olm_encrypt, iterations, seconds);
    measure("olmDecrypt", op_olm_decrypt, iterations, seconds);
    measure("megolmEncrypt", op_megolm_encrypt, iterations, seconds);
    measure("megolmDecrypt", op_megolm_decrypt, iterations, seconds);
    measure("ed25519Sign", op_ed25519_sign, iterations, seconds);
    measure("ed25519Verify", op_ed25519_verify, iterations, seconds);
    return 0;
}
