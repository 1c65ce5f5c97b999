/**
 * Server-side key backup, {@code m.megolm_backup.v1.curve25519-aes-sha2}: libolm's PkEncryption, the backup
 * key with its {@code auth_data}, and the recovery key encoding.
 */
package dev.starling.olm.backup;
