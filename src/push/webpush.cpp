#include "push/webpush.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <memory>
#include <stdexcept>

#include "common/base64.hpp"

namespace push {

namespace {

constexpr std::size_t kPublicSize = 65, kPrivateSize = 32, kSaltSize = 16, kAuthSize = 16, kTagSize = 16;
constexpr std::uint32_t kRecordSize = 4096;

struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
    void operator()(EC_GROUP* p) const { EC_GROUP_free(p); }
    void operator()(EC_POINT* p) const { EC_POINT_free(p); }
    void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
template <class T>
using Ptr = std::unique_ptr<T, Free>;

void Check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("webpush: ") + what);
}

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// A P-256 key from its raw parts: a public key alone (a peer), or a private scalar with its public point.
Ptr<EVP_PKEY> MakeKey(std::string_view public_key, std::string_view private_key = {}) {
    Ptr<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
    Check(bld != nullptr, "param builder");
    Check(OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1, "group");
    Check(
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, public_key.data(), public_key.size()) == 1,
        "public key");
    Ptr<BIGNUM> d;
    if (!private_key.empty()) {
        d.reset(BN_bin2bn(Bytes(private_key), static_cast<int>(private_key.size()), nullptr));
        Check(d && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) == 1, "private key");
    }
    Ptr<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld.get()));
    Ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    Check(params && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1, "key context");
    EVP_PKEY* key = nullptr;
    Check(EVP_PKEY_fromdata(ctx.get(), &key, private_key.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR,
                            params.get()) == 1,
          "not a P-256 key");
    return Ptr<EVP_PKEY>(key);
}

std::string Ecdh(const KeyPair& mine, std::string_view peer_public) {
    auto key = MakeKey(mine.public_key, mine.private_key);
    auto peer = MakeKey(peer_public);
    Ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    Check(ctx && EVP_PKEY_derive_init(ctx.get()) == 1, "derive init");
    Check(EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) == 1, "peer key");
    std::size_t len = 32;
    std::string out(len, '\0');
    Check(EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len) == 1 && len == 32, "ecdh");
    return out;
}

std::string Hmac(std::string_view key, std::string_view data) {
    unsigned char out[32];
    unsigned int len = 0;
    Check(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(data), data.size(), out, &len) != nullptr,
          "hmac");
    return std::string(reinterpret_cast<char*>(out), len);
}

// HKDF-Expand for one block (every output here is at most 32 bytes).
std::string Expand(std::string_view prk, std::string_view info, std::size_t size) {
    return Hmac(prk, std::string(info) + '\x01').substr(0, size);
}

struct Keys {
    std::string cek, nonce;
};

// RFC 8291 section 3.4 and RFC 8188 section 2.2: from the shared secret to the content key and nonce.
Keys Derive(std::string_view ecdh_secret, std::string_view auth_secret, std::string_view ua_public,
            std::string_view as_public, std::string_view salt) {
    std::string key_info = std::string("WebPush: info") + '\0' + std::string(ua_public) + std::string(as_public);
    std::string ikm = Expand(Hmac(auth_secret, ecdh_secret), key_info, 32);
    std::string prk = Hmac(salt, ikm);
    return {Expand(prk, std::string("Content-Encoding: aes128gcm") + '\0', 16),
            Expand(prk, std::string("Content-Encoding: nonce") + '\0', 12)};
}

std::string Random(std::size_t n) {
    std::string out(n, '\0');
    Check(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) == 1, "random");
    return out;
}

}  // namespace

KeyPair GenerateKeyPair() {
    Ptr<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    Check(key != nullptr, "keygen");
    BIGNUM* d = nullptr;
    Check(EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1, "private key");
    Ptr<BIGNUM> owned(d);
    KeyPair k;
    k.private_key.assign(kPrivateSize, '\0');
    Check(BN_bn2binpad(d, reinterpret_cast<unsigned char*>(k.private_key.data()), kPrivateSize) == kPrivateSize,
          "private key size");
    k.public_key.assign(kPublicSize, '\0');
    std::size_t len = 0;
    Check(EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                          reinterpret_cast<unsigned char*>(k.public_key.data()), kPublicSize,
                                          &len) == 1 &&
              len == kPublicSize,
          "public key");
    return k;
}

std::string PublicKeyOf(std::string_view private_key) {
    Check(private_key.size() == kPrivateSize, "private key size");
    Ptr<EC_GROUP> group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    Ptr<BIGNUM> d(BN_bin2bn(Bytes(private_key), kPrivateSize, nullptr));
    Check(group && d, "group");
    Ptr<EC_POINT> point(EC_POINT_new(group.get()));
    Check(point && EC_POINT_mul(group.get(), point.get(), d.get(), nullptr, nullptr, nullptr) == 1, "point");
    std::string out(kPublicSize, '\0');
    Check(EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED,
                             reinterpret_cast<unsigned char*>(out.data()), out.size(), nullptr) == kPublicSize,
          "encode point");
    return out;
}

std::string Encrypt(std::string_view plaintext, std::string_view ua_public, std::string_view auth_secret,
                    const KeyPair& sender, std::string_view salt) {
    Check(ua_public.size() == kPublicSize && auth_secret.size() == kAuthSize && salt.size() == kSaltSize,
          "subscription keys");
    // One record holds the whole message: the payload, its delimiter and the tag must fit in rs.
    Check(plaintext.size() + 1 + kTagSize <= kRecordSize, "message too long");
    auto keys = Derive(Ecdh(sender, ua_public), auth_secret, ua_public, sender.public_key, salt);
    std::string record = std::string(plaintext) + '\x02';  // the last (and only) record, no padding

    Ptr<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
    Check(ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, Bytes(keys.cek), Bytes(keys.nonce)) == 1,
          "cipher init");
    std::string sealed(record.size() + kTagSize, '\0');
    int len = 0, tail = 0;
    auto* out = reinterpret_cast<unsigned char*>(sealed.data());
    Check(EVP_EncryptUpdate(ctx.get(), out, &len, Bytes(record), static_cast<int>(record.size())) == 1, "encrypt");
    Check(EVP_EncryptFinal_ex(ctx.get(), out + len, &tail) == 1, "encrypt final");
    Check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, out + len + tail) == 1, "tag");

    std::string header(salt);
    for (int shift : {24, 16, 8, 0}) header += static_cast<char>((kRecordSize >> shift) & 0xff);
    header += static_cast<char>(kPublicSize);
    header += sender.public_key;
    return header + sealed;
}

std::string Encrypt(std::string_view plaintext, std::string_view ua_public, std::string_view auth_secret) {
    return Encrypt(plaintext, ua_public, auth_secret, GenerateKeyPair(), Random(kSaltSize));
}

std::optional<std::string> Decrypt(std::string_view body, std::string_view ua_private, std::string_view auth_secret) {
    constexpr std::size_t header_size = kSaltSize + 4 + 1 + kPublicSize;
    if (body.size() < header_size + kTagSize + 1 || static_cast<unsigned char>(body[20]) != kPublicSize) {
        return std::nullopt;
    }
    try {
        auto salt = body.substr(0, kSaltSize);
        auto as_public = body.substr(21, kPublicSize);
        KeyPair me{std::string(ua_private), PublicKeyOf(ua_private)};
        auto keys = Derive(Ecdh(me, as_public), auth_secret, me.public_key, as_public, salt);
        auto sealed = body.substr(header_size);
        auto ciphertext = sealed.substr(0, sealed.size() - kTagSize);
        std::string tag(sealed.substr(sealed.size() - kTagSize));
        Ptr<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
        if (!ctx ||
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, Bytes(keys.cek), Bytes(keys.nonce)) != 1) {
            return std::nullopt;
        }
        std::string plain(ciphertext.size(), '\0');
        int len = 0, tail = 0;
        if (EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, Bytes(ciphertext),
                              static_cast<int>(ciphertext.size())) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) != 1 ||
            EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &tail) != 1) {
            return std::nullopt;
        }
        // Strip the padding: zeros back to the delimiter, which must be 2 (the last record).
        auto end = plain.find_last_not_of('\0');
        if (end == std::string::npos || plain[end] != '\x02') return std::nullopt;
        plain.resize(end);
        return plain;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string VapidAuthorization(const KeyPair& server, const std::string& audience, const std::string& subject,
                               common::Instant expires) {
    auto exp = std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
    std::string signing_input = common::Base64UrlEncode(R"({"typ":"JWT","alg":"ES256"})") + "." +
                                common::Base64UrlEncode(boost::json::serialize(
                                    boost::json::object{{"aud", audience}, {"exp", exp}, {"sub", subject}}));
    auto key = MakeKey(server.public_key, server.private_key);
    Ptr<EVP_MD_CTX> md(EVP_MD_CTX_new());
    Check(md && EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1, "sign init");
    std::size_t der_len = 0;
    Check(EVP_DigestSign(md.get(), nullptr, &der_len, Bytes(signing_input), signing_input.size()) == 1, "sign size");
    std::string der(der_len, '\0');
    Check(EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(der.data()), &der_len, Bytes(signing_input),
                         signing_input.size()) == 1,
          "sign");
    // JWS wants r ‖ s, 32 bytes each, not the DER sequence OpenSSL gives.
    const unsigned char* p = Bytes(der);
    Ptr<ECDSA_SIG> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
    Check(sig != nullptr, "signature");
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    return "vapid t=" + signing_input + "." + common::Base64UrlEncode(raw) +
           ", k=" + common::Base64UrlEncode(server.public_key);
}

std::optional<std::string> VerifyVapid(std::string_view authorization, const std::string& audience,
                                       common::Instant now) {
    if (!authorization.starts_with("vapid ")) return std::nullopt;
    std::string token, key;
    std::string_view rest = authorization.substr(6);
    while (!rest.empty()) {
        auto comma = rest.find(',');
        auto part = rest.substr(0, comma);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        if (part.starts_with("t=")) token = part.substr(2);
        if (part.starts_with("k=")) key = part.substr(2);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    auto first = token.find('.');
    auto second = token.rfind('.');
    auto public_key = common::Base64UrlDecode(key);
    if (first == std::string::npos || second == first || !public_key || public_key->size() != kPublicSize) {
        return std::nullopt;
    }
    auto raw = common::Base64UrlDecode(std::string_view(token).substr(second + 1));
    auto claims_json = common::Base64UrlDecode(std::string_view(token).substr(first + 1, second - first - 1));
    auto header_json = common::Base64UrlDecode(std::string_view(token).substr(0, first));
    if (!raw || raw->size() != 64 || !claims_json || !header_json) return std::nullopt;
    try {
        auto header = boost::json::parse(*header_json).as_object();
        if (header.at("alg").as_string() != "ES256") return std::nullopt;
        Ptr<ECDSA_SIG> sig(ECDSA_SIG_new());
        BIGNUM* r = BN_bin2bn(Bytes(*raw), 32, nullptr);
        BIGNUM* s = BN_bin2bn(Bytes(*raw) + 32, 32, nullptr);
        if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
            BN_free(r);
            BN_free(s);
            return std::nullopt;
        }
        unsigned char* der = nullptr;
        int der_len = i2d_ECDSA_SIG(sig.get(), &der);
        std::string der_sig(reinterpret_cast<char*>(der), der_len > 0 ? der_len : 0);
        OPENSSL_free(der);
        auto k = MakeKey(*public_key);
        Ptr<EVP_MD_CTX> md(EVP_MD_CTX_new());
        std::string signed_part = token.substr(0, second);
        if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, k.get()) != 1 ||
            EVP_DigestVerify(md.get(), Bytes(der_sig), der_sig.size(), Bytes(signed_part), signed_part.size()) != 1) {
            return std::nullopt;
        }
        auto claims = boost::json::parse(*claims_json).as_object();
        auto exp = claims.at("exp").as_int64();
        auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        // RFC 8292: aud is the push service's origin; exp no more than 24 hours ahead.
        if (claims.at("aud").as_string() != audience || exp <= now_s || exp > now_s + 24 * 3600) return std::nullopt;
        return std::string(claims.at("sub").as_string());
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string OriginOf(const std::string& endpoint) {
    auto scheme = endpoint.find("://");
    if (scheme == std::string::npos) return endpoint;
    auto path = endpoint.find('/', scheme + 3);
    return endpoint.substr(0, path);
}

}  // namespace push
