/** Account data, global and per room (Client-Server API § Client config), room tags (§ Room tagging). */
package dev.starling.server.accountdata;
