/** Cross-signing: master, self-signing and user-signing keys, signing devices and users, verifying chains. */
package dev.starling.olm.crosssigning;
