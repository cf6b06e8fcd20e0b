// Entry point bundled into noble-crypto.iife.js: the pure-JS fallback of the map's decryptor.
export { gcm } from "@noble/ciphers/aes.js";
export { pbkdf2, pbkdf2Async } from "@noble/hashes/pbkdf2.js";
export { sha256 } from "@noble/hashes/sha2.js";
