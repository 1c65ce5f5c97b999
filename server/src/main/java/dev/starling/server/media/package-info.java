/**
 * The content repository (Client-Server API § Content repository; authenticated media, v1.11): uploads
 * streamed to content-addressed files under {@code <data_dir>/media/}, downloads with safe headers, and
 * cached thumbnails of allow-listed image formats. {@link dev.starling.server.media.MediaApi} is the HTTP face,
 * {@link dev.starling.server.media.MediaRepository} the service; see README.md.
 */
package dev.starling.server.media;
