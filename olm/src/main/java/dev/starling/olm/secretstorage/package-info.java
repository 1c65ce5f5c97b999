/** Secret storage, {@code m.secret_storage.v1.aes-hmac-sha2}: secrets in account data, the key check, {@code m.pbkdf2}. */
package dev.starling.olm.secretstorage;
