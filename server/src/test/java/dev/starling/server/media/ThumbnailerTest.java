package dev.starling.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The size a thumbnail is rendered at (Client-Server API § Thumbnails): never upscaled, never smaller than asked. */
class ThumbnailerTest {
    private static Thumbnailer.Plan plan(int sw, int sh, int w, int h, ThumbnailMethod method) {
        return Thumbnailer.plan(sw, sh, w, h, method);
    }

    @Test
    void scaleFitsTheBoxKeepingTheAspectRatio() {
        assertThat(plan(800, 600, 320, 240, ThumbnailMethod.SCALE)).isEqualTo(new Thumbnailer.Plan.Render(320, 240));
        assertThat(plan(800, 600, 320, 320, ThumbnailMethod.SCALE)).isEqualTo(new Thumbnailer.Plan.Render(320, 240));
        assertThat(plan(600, 800, 320, 320, ThumbnailMethod.SCALE)).isEqualTo(new Thumbnailer.Plan.Render(240, 320));
        // A very thin image keeps at least one pixel.
        assertThat(plan(10_000, 1, 100, 100, ThumbnailMethod.SCALE)).isEqualTo(new Thumbnailer.Plan.Render(100, 1));
    }

    @Test
    void cropFillsTheBoxExactlyWhenTheSourceIsBigEnough() {
        assertThat(plan(800, 600, 32, 32, ThumbnailMethod.CROP)).isEqualTo(new Thumbnailer.Plan.Render(32, 32));
        assertThat(plan(800, 600, 96, 32, ThumbnailMethod.CROP)).isEqualTo(new Thumbnailer.Plan.Render(96, 32));
    }

    @Test
    void aSourceThatFitsIsServedAsItIs() {
        assertThat(plan(40, 30, 320, 240, ThumbnailMethod.SCALE)).isEqualTo(new Thumbnailer.Plan.Original());
        assertThat(plan(320, 240, 320, 240, ThumbnailMethod.SCALE)).isEqualTo(new Thumbnailer.Plan.Original());
        assertThat(plan(40, 30, 96, 96, ThumbnailMethod.CROP)).isEqualTo(new Thumbnailer.Plan.Original());
        // Larger in one dimension only: crop cuts that one, never enlarges the other.
        assertThat(plan(40, 30, 32, 32, ThumbnailMethod.CROP)).isEqualTo(new Thumbnailer.Plan.Render(32, 30));
    }

    @Test
    void hugeRequestedSizesDoNotOverflow() {
        assertThat(plan(50_000, 40_000, Integer.MAX_VALUE, 10, ThumbnailMethod.SCALE))
                .isEqualTo(new Thumbnailer.Plan.Render(12, 10));
        assertThat(plan(50_000, 40_000, Integer.MAX_VALUE, Integer.MAX_VALUE, ThumbnailMethod.CROP))
                .isEqualTo(new Thumbnailer.Plan.Original());
    }
}
