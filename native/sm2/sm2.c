/*
 * SM2 signatures (GB/T 32918.2 / GM/T 0003.2, SM3 digest, Z value with the distinguishing ID) through the
 * OpenSSL 3 that Node itself links and exports. The addon links against no library of its own: every OpenSSL
 * symbol below is resolved against the running node binary when the addon is loaded.
 *
 *   verify(publicKey, message, signature, userId?) -> boolean
 *   sign(privateKey, message, userId?)             -> Buffer (64 bytes, raw r||s)
 *
 * publicKey:  uncompressed point 04||x||y, hex string (130 chars) or Uint8Array (65 bytes)
 * privateKey: scalar d, hex string (64 chars) or Uint8Array (32 bytes)
 * message:    string (UTF-8) or Uint8Array
 * signature:  raw r||s (64 bytes / 128 hex chars) or DER ECDSA-Sig-Value, hex string or Uint8Array
 * userId:     string (UTF-8) or Uint8Array; undefined/null -> "1234567812345678"
 *
 * verify() returns false for any malformed value (bad hex, wrong length, point not on the curve, bad DER...);
 * it throws a TypeError only for arguments of the wrong JS type. sign() throws on any error.
 * Every path frees every OpenSSL object and clears the OpenSSL error queue (which is shared with Node's own
 * crypto on this thread).
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/opensslv.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if OPENSSL_VERSION_MAJOR < 3
#error "the SM2 binding needs the OpenSSL 3 headers of Node (>= 17)"
#endif

#define DEFAULT_ID "1234567812345678"
#define DEFAULT_ID_LEN 16
/* ENTL is a 16-bit count of bits; OpenSSL accepts ids shorter than 65535/8 bytes */
#define MAX_ID_LEN 8190
#define PUB_LEN 65
#define PRIV_LEN 32
#define RAW_SIG_LEN 64
#define MAX_DER_SIG_LEN 80 /* a valid one is at most 72 */
#define MAX_HEX_ARG 512    /* longest hex argument accepted (key or signature) */
#define KEY_CACHE_SIZE 64  /* decoded public keys kept per Node environment (direct-mapped) */

typedef struct {
  const uint8_t *data;
  size_t len;
  uint8_t *owned; /* heap copy to free, or NULL */
} bytes_t;

static void bytes_free(bytes_t *b) {
  free(b->owned);
  b->owned = NULL;
  b->data = NULL;
  b->len = 0;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decode hex into out (capacity cap). Returns the byte count, or -1 if not valid even-length hex or too long. */
static long hex_decode(const char *s, size_t n, uint8_t *out, size_t cap) {
  if (n % 2 != 0 || n / 2 > cap) return -1;
  for (size_t i = 0; i < n; i += 2) {
    int hi = hexval(s[i]), lo = hexval(s[i + 1]);
    if (hi < 0 || lo < 0) return -1;
    out[i / 2] = (uint8_t)((hi << 4) | lo);
  }
  return (long)(n / 2);
}

typedef enum { ARG_OK = 0, ARG_BAD_VALUE = 1, ARG_BAD_TYPE = 2, ARG_NAPI_ERROR = 3 } arg_status;

/* Bytes of a Uint8Array / Buffer argument (borrowed, no copy). */
static arg_status typedarray_bytes(napi_env env, napi_value v, bytes_t *out) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok) return ARG_NAPI_ERROR;
  if (!is_ta) return ARG_BAD_TYPE;
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void *data = NULL;
  napi_value ab;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &offset) != napi_ok) return ARG_NAPI_ERROR;
  if (type != napi_uint8_array && type != napi_uint8_clamped_array) return ARG_BAD_TYPE;
  static const uint8_t empty = 0;
  out->data = data != NULL ? (const uint8_t *)data : &empty;
  out->len = length;
  out->owned = NULL;
  return ARG_OK;
}

/*
 * Binary key/signature material: hex string (decoded into buf, capacity cap) or Uint8Array (borrowed).
 * A string that is not hex or is too long is ARG_BAD_VALUE.
 */
static arg_status material_arg(napi_env env, napi_value v, uint8_t *buf, size_t cap, bytes_t *out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return ARG_NAPI_ERROR;
  if (t == napi_string) {
    size_t n = 0;
    if (napi_get_value_string_latin1(env, v, NULL, 0, &n) != napi_ok) return ARG_NAPI_ERROR;
    if (n > MAX_HEX_ARG || n / 2 > cap) return ARG_BAD_VALUE;
    char tmp[MAX_HEX_ARG + 1];
    size_t got = 0;
    if (napi_get_value_string_latin1(env, v, tmp, sizeof tmp, &got) != napi_ok) return ARG_NAPI_ERROR;
    long len = hex_decode(tmp, got, buf, cap);
    if (len < 0) return ARG_BAD_VALUE;
    out->data = buf;
    out->len = (size_t)len;
    out->owned = NULL;
    return ARG_OK;
  }
  if (t == napi_object) return typedarray_bytes(env, v, out);
  return ARG_BAD_TYPE;
}

/* Message or user id: UTF-8 string (copied to the heap) or Uint8Array (borrowed). */
static arg_status text_arg(napi_env env, napi_value v, bytes_t *out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return ARG_NAPI_ERROR;
  if (t == napi_string) {
    size_t n = 0;
    if (napi_get_value_string_utf8(env, v, NULL, 0, &n) != napi_ok) return ARG_NAPI_ERROR;
    uint8_t *p = malloc(n + 1);
    if (p == NULL) return ARG_NAPI_ERROR;
    size_t got = 0;
    if (napi_get_value_string_utf8(env, v, (char *)p, n + 1, &got) != napi_ok) {
      free(p);
      return ARG_NAPI_ERROR;
    }
    out->data = p;
    out->len = got;
    out->owned = p;
    return ARG_OK;
  }
  if (t == napi_object) return typedarray_bytes(env, v, out);
  return ARG_BAD_TYPE;
}

/* The user id (optional argument). */
static arg_status id_arg(napi_env env, size_t argc, napi_value *argv, size_t idx, bytes_t *out) {
  if (argc > idx) {
    napi_valuetype t;
    if (napi_typeof(env, argv[idx], &t) != napi_ok) return ARG_NAPI_ERROR;
    if (t != napi_undefined && t != napi_null) {
      arg_status st = text_arg(env, argv[idx], out);
      if (st != ARG_OK) return st;
      if (out->len > MAX_ID_LEN) {
        bytes_free(out);
        return ARG_BAD_VALUE;
      }
      return ARG_OK;
    }
  }
  out->data = (const uint8_t *)DEFAULT_ID;
  out->len = DEFAULT_ID_LEN;
  out->owned = NULL;
  return ARG_OK;
}

/*
 * EVP_PKEY of type SM2 on the SM2 curve from an uncompressed public point and optionally the private scalar.
 * OpenSSL decodes the point with EC_POINT_oct2point, which rejects points not on the curve.
 */
static EVP_PKEY *sm2_pkey(const uint8_t *pub, size_t pub_len, const BIGNUM *priv) {
  EVP_PKEY *pkey = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  OSSL_PARAM_BLD *bld = NULL;
  OSSL_PARAM *params = NULL;

  bld = OSSL_PARAM_BLD_new();
  if (bld == NULL) goto done;
  if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, SN_sm2, 0)) goto done;
  if (!OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, pub_len)) goto done;
  if (priv != NULL && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv)) goto done;
  params = OSSL_PARAM_BLD_to_param(bld);
  if (params == NULL) goto done;
  ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
  if (ctx == NULL) goto done;
  if (EVP_PKEY_fromdata_init(ctx) <= 0) goto done;
  if (EVP_PKEY_fromdata(ctx, &pkey, priv != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0) {
    EVP_PKEY_free(pkey);
    pkey = NULL;
  }
done:
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  return pkey;
}

/*
 * Decoded public keys, per Node environment (main thread or worker), so that verifying many signatures of the
 * same signer does not rebuild the key each time (about 8% of a verification). Direct-mapped: a slot holds the
 * full 65-byte point, compared in full; a miss replaces the slot. Only valid keys are stored. Freed with the
 * environment.
 */
typedef struct {
  uint8_t pub[PUB_LEN];
  EVP_PKEY *pkey;
} key_slot;

typedef struct {
  key_slot slots[KEY_CACHE_SIZE];
} addon_state;

static void state_finalize(napi_env env, void *data, void *hint) {
  addon_state *st = data;
  if (st == NULL) return;
  for (size_t i = 0; i < KEY_CACHE_SIZE; i++) EVP_PKEY_free(st->slots[i].pkey);
  free(st);
}

/* The public key as an EVP_PKEY, from the cache or decoded (and cached). Caller frees the result. */
static EVP_PKEY *public_pkey(napi_env env, const uint8_t *pub) {
  addon_state *st = NULL;
  if (napi_get_instance_data(env, (void **)&st) != napi_ok) st = NULL;
  key_slot *slot = NULL;
  if (st != NULL) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 1; i < PUB_LEN; i++) h = (h ^ pub[i]) * 16777619u;
    slot = &st->slots[h % KEY_CACHE_SIZE];
    if (slot->pkey != NULL && memcmp(slot->pub, pub, PUB_LEN) == 0) {
      if (EVP_PKEY_up_ref(slot->pkey) == 1) return slot->pkey;
      return NULL;
    }
  }
  EVP_PKEY *pkey = sm2_pkey(pub, PUB_LEN, NULL);
  if (pkey != NULL && slot != NULL && EVP_PKEY_up_ref(pkey) == 1) {
    EVP_PKEY_free(slot->pkey);
    memcpy(slot->pub, pub, PUB_LEN);
    slot->pkey = pkey;
  }
  return pkey;
}

/* DER INTEGER of a 32-byte big-endian unsigned value; returns bytes written (at most 35). */
static size_t der_uint(const uint8_t *v, uint8_t *out) {
  size_t i = 0;
  while (i < 31 && v[i] == 0) i++;
  size_t n = 32 - i;
  int pad = (v[i] & 0x80) != 0;
  out[0] = 0x02;
  out[1] = (uint8_t)(n + pad);
  if (pad) out[2] = 0;
  memcpy(out + 2 + pad, v + i, n);
  return 2 + pad + n;
}

/* DER ECDSA-Sig-Value from raw r||s; returns its length (at most 72). */
static size_t raw_to_der(const uint8_t *raw, uint8_t *out) {
  uint8_t body[70];
  size_t n = der_uint(raw, body);
  n += der_uint(raw + 32, body + n);
  out[0] = 0x30;
  out[1] = (uint8_t)n;
  memcpy(out + 2, body, n);
  return n + 2;
}

/* 1 valid, 0 invalid (including any malformed input or OpenSSL error). */
static int do_verify(napi_env env, const bytes_t *pub, const bytes_t *msg, const bytes_t *sig, const bytes_t *id) {
  uint8_t der[MAX_DER_SIG_LEN];
  const uint8_t *sig_der;
  size_t sig_der_len;
  int ok = 0;
  EVP_PKEY *pkey = NULL;
  EVP_PKEY_CTX *pctx = NULL;
  EVP_MD_CTX *mctx = NULL;

  if (pub->len != PUB_LEN || pub->data[0] != 0x04) return 0;
  if (sig->len == RAW_SIG_LEN) {
    sig_der_len = raw_to_der(sig->data, der);
    sig_der = der;
  } else if (sig->len >= 8 && sig->len <= MAX_DER_SIG_LEN && sig->data[0] == 0x30) {
    sig_der = sig->data;
    sig_der_len = sig->len;
  } else {
    return 0;
  }
  if (id->len > MAX_ID_LEN) return 0;

  pkey = public_pkey(env, pub->data);
  if (pkey == NULL) goto done;
  pctx = EVP_PKEY_CTX_new(pkey, NULL);
  if (pctx == NULL) goto done;
  if (EVP_PKEY_CTX_set1_id(pctx, id->data, (int)id->len) <= 0) goto done;
  mctx = EVP_MD_CTX_new();
  if (mctx == NULL) goto done;
  EVP_MD_CTX_set_pkey_ctx(mctx, pctx);
  if (EVP_DigestVerifyInit(mctx, NULL, EVP_sm3(), NULL, pkey) != 1) goto done;
  /* EVP_DigestVerify parses the DER strictly (re-encodes and compares) and checks 1 <= r, s < n. */
  ok = EVP_DigestVerify(mctx, sig_der, sig_der_len, msg->data, msg->len) == 1;
done:
  EVP_MD_CTX_free(mctx); /* does not free pctx: it was set with EVP_MD_CTX_set_pkey_ctx */
  EVP_PKEY_CTX_free(pctx);
  EVP_PKEY_free(pkey);
  ERR_clear_error();
  return ok;
}

/* NULL on success (raw r||s in out), else a static error message. */
static const char *do_sign(const bytes_t *priv, const bytes_t *msg, const bytes_t *id, uint8_t *out) {
  const char *err = "SM2 signing failed";
  BIGNUM *d = NULL, *d_max = NULL;
  EC_GROUP *group = NULL;
  EC_POINT *pub_point = NULL;
  EVP_PKEY *pkey = NULL;
  EVP_PKEY_CTX *pctx = NULL;
  EVP_MD_CTX *mctx = NULL;
  ECDSA_SIG *sig = NULL;
  uint8_t pub[PUB_LEN];
  uint8_t der[MAX_DER_SIG_LEN];
  size_t der_len = sizeof der;
  const unsigned char *p;

  if (priv->len != PRIV_LEN) return "the SM2 private key must be 32 bytes";
  if (id->len > MAX_ID_LEN) return "the SM2 user id is too long";

  group = EC_GROUP_new_by_curve_name(NID_sm2);
  if (group == NULL) goto done;
  d = BN_bin2bn(priv->data, (int)priv->len, NULL);
  d_max = BN_dup(EC_GROUP_get0_order(group));
  if (d == NULL || d_max == NULL || !BN_sub_word(d_max, 1)) goto done;
  /* SM2 needs 1 <= d <= n-2 (it inverts 1+d) */
  if (BN_is_zero(d) || BN_cmp(d, d_max) >= 0) {
    err = "the SM2 private key is out of range";
    goto done;
  }
  pub_point = EC_POINT_new(group);
  if (pub_point == NULL || !EC_POINT_mul(group, pub_point, d, NULL, NULL, NULL)) goto done;
  if (EC_POINT_point2oct(group, pub_point, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof pub, NULL) != PUB_LEN)
    goto done;
  pkey = sm2_pkey(pub, sizeof pub, d);
  if (pkey == NULL) goto done;
  pctx = EVP_PKEY_CTX_new(pkey, NULL);
  if (pctx == NULL) goto done;
  if (EVP_PKEY_CTX_set1_id(pctx, id->data, (int)id->len) <= 0) goto done;
  mctx = EVP_MD_CTX_new();
  if (mctx == NULL) goto done;
  EVP_MD_CTX_set_pkey_ctx(mctx, pctx);
  if (EVP_DigestSignInit(mctx, NULL, EVP_sm3(), NULL, pkey) != 1) goto done;
  if (EVP_DigestSign(mctx, der, &der_len, msg->data, msg->len) != 1) goto done;
  p = der;
  sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
  if (sig == NULL) goto done;
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, 32) != 32 || BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + 32, 32) != 32)
    goto done;
  err = NULL;
done:
  ECDSA_SIG_free(sig);
  EVP_MD_CTX_free(mctx);
  EVP_PKEY_CTX_free(pctx);
  EVP_PKEY_free(pkey);
  EC_POINT_free(pub_point);
  EC_GROUP_free(group);
  BN_free(d_max);
  BN_clear_free(d);
  OPENSSL_cleanse(der, sizeof der);
  ERR_clear_error();
  return err;
}

static napi_value js_bool(napi_env env, int v) {
  napi_value r;
  napi_get_boolean(env, v != 0, &r);
  return r;
}

static napi_value throw_for(napi_env env, arg_status st, const char *what) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return NULL;
  if (st == ARG_BAD_TYPE)
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", what);
  else if (st == ARG_BAD_VALUE)
    napi_throw_range_error(env, "ERR_INVALID_ARG_VALUE", what);
  else
    napi_throw_error(env, NULL, "SM2 binding: could not read an argument");
  return NULL;
}

/* verify(publicKey, message, signature, userId?) */
static napi_value Verify(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "verify(publicKey, message, signature, userId?)");
    return NULL;
  }
  uint8_t pub_buf[PUB_LEN + 1], sig_buf[MAX_DER_SIG_LEN + 1];
  bytes_t pub = {0}, msg = {0}, sig = {0}, id = {0};
  arg_status st;
  int ok = 0;

  /* Read every argument first so that type errors are reported even when another value is malformed. */
  arg_status st_pub = material_arg(env, argv[0], pub_buf, sizeof pub_buf, &pub);
  if (st_pub == ARG_BAD_TYPE || st_pub == ARG_NAPI_ERROR)
    return throw_for(env, st_pub, "the public key must be a hex string or a Uint8Array");
  arg_status st_sig = material_arg(env, argv[2], sig_buf, sizeof sig_buf, &sig);
  if (st_sig == ARG_BAD_TYPE || st_sig == ARG_NAPI_ERROR)
    return throw_for(env, st_sig, "the signature must be a hex string or a Uint8Array");
  st = text_arg(env, argv[1], &msg);
  if (st != ARG_OK) return throw_for(env, st, "the message must be a string or a Uint8Array");
  st = id_arg(env, argc, argv, 3, &id);
  if (st == ARG_BAD_TYPE || st == ARG_NAPI_ERROR) {
    bytes_free(&msg);
    return throw_for(env, st, "the user id must be a string or a Uint8Array");
  }
  if (st_pub == ARG_OK && st_sig == ARG_OK && st == ARG_OK) ok = do_verify(env, &pub, &msg, &sig, &id);
  bytes_free(&id);
  bytes_free(&msg);
  return js_bool(env, ok);
}

/* sign(privateKey, message, userId?) */
static napi_value Sign(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "sign(privateKey, message, userId?)");
    return NULL;
  }
  uint8_t priv_buf[PRIV_LEN + 1];
  bytes_t priv = {0}, msg = {0}, id = {0};
  arg_status st = material_arg(env, argv[0], priv_buf, sizeof priv_buf, &priv);
  if (st != ARG_OK) {
    OPENSSL_cleanse(priv_buf, sizeof priv_buf);
    return throw_for(env, st, "the private key must be 32 bytes, as 64 hex characters or a Uint8Array");
  }
  st = text_arg(env, argv[1], &msg);
  if (st != ARG_OK) {
    OPENSSL_cleanse(priv_buf, sizeof priv_buf);
    return throw_for(env, st, "the message must be a string or a Uint8Array");
  }
  st = id_arg(env, argc, argv, 2, &id);
  if (st != ARG_OK) {
    OPENSSL_cleanse(priv_buf, sizeof priv_buf);
    bytes_free(&msg);
    return throw_for(env, st, "the user id must be a string or a Uint8Array of at most 8190 bytes");
  }
  uint8_t raw[RAW_SIG_LEN];
  const char *err = do_sign(&priv, &msg, &id, raw);
  OPENSSL_cleanse(priv_buf, sizeof priv_buf);
  bytes_free(&id);
  bytes_free(&msg);
  if (err != NULL) {
    napi_throw_error(env, "ERR_SM2_SIGN", err);
    return NULL;
  }
  napi_value result;
  void *data = NULL;
  if (napi_create_buffer_copy(env, sizeof raw, raw, &data, &result) != napi_ok) return NULL;
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  /* The headers are OpenSSL 3; refuse to run against another major version (e.g. a Node linked to 1.1). */
  if (OPENSSL_version_major() != OPENSSL_VERSION_MAJOR) {
    napi_throw_error(env, "ERR_SM2_OPENSSL", "SM2 binding: the OpenSSL of this Node is not OpenSSL 3");
    return NULL;
  }
  addon_state *st = calloc(1, sizeof *st);
  if (st == NULL || napi_set_instance_data(env, st, state_finalize, NULL) != napi_ok) {
    free(st);
    napi_throw_error(env, NULL, "SM2 binding: out of memory");
    return NULL;
  }
  napi_property_descriptor props[] = {
      {"verify", NULL, Verify, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sign", NULL, Sign, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  napi_value v;
  if (napi_create_string_utf8(env, OpenSSL_version(OPENSSL_VERSION), NAPI_AUTO_LENGTH, &v) == napi_ok)
    napi_set_named_property(env, exports, "openssl", v);
  return exports;
}
