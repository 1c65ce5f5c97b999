package dev.starling.olm.sas;

import java.util.List;

/**
 * The SAS emoji table (spec: "SAS method: emoji", data-definitions/sas-emoji.json) and the conversions of
 * SAS bytes to 7 emoji (42 bits, 6 per emoji) and to 3 decimals (39 bits, 13 per number, plus 1000).
 */
public final class SasEmoji {
    /** One entry of the table: its number (0..63), the emoji and its English description. */
    public record Emoji(int number, String emoji, String description) {
    }

    /** The 64 emoji, indexed by number. */
    public static final List<Emoji> TABLE = List.of(
            new Emoji(0, "🐶", "Dog"),
            new Emoji(1, "🐱", "Cat"),
            new Emoji(2, "🦁", "Lion"),
            new Emoji(3, "🐎", "Horse"),
            new Emoji(4, "🦄", "Unicorn"),
            new Emoji(5, "🐷", "Pig"),
            new Emoji(6, "🐘", "Elephant"),
            new Emoji(7, "🐰", "Rabbit"),
            new Emoji(8, "🐼", "Panda"),
            new Emoji(9, "🐓", "Rooster"),
            new Emoji(10, "🐧", "Penguin"),
            new Emoji(11, "🐢", "Turtle"),
            new Emoji(12, "🐟", "Fish"),
            new Emoji(13, "🐙", "Octopus"),
            new Emoji(14, "🦋", "Butterfly"),
            new Emoji(15, "🌷", "Flower"),
            new Emoji(16, "🌳", "Tree"),
            new Emoji(17, "🌵", "Cactus"),
            new Emoji(18, "🍄", "Mushroom"),
            new Emoji(19, "🌏", "Globe"),
            new Emoji(20, "🌙", "Moon"),
            new Emoji(21, "☁️", "Cloud"),
            new Emoji(22, "🔥", "Fire"),
            new Emoji(23, "🍌", "Banana"),
            new Emoji(24, "🍎", "Apple"),
            new Emoji(25, "🍓", "Strawberry"),
            new Emoji(26, "🌽", "Corn"),
            new Emoji(27, "🍕", "Pizza"),
            new Emoji(28, "🎂", "Cake"),
            new Emoji(29, "❤️", "Heart"),
            new Emoji(30, "😀", "Smiley"),
            new Emoji(31, "🤖", "Robot"),
            new Emoji(32, "🎩", "Hat"),
            new Emoji(33, "👓", "Glasses"),
            new Emoji(34, "🔧", "Spanner"),
            new Emoji(35, "🎅", "Santa"),
            new Emoji(36, "👍", "Thumbs Up"),
            new Emoji(37, "☂️", "Umbrella"),
            new Emoji(38, "⌛", "Hourglass"),
            new Emoji(39, "⏰", "Clock"),
            new Emoji(40, "🎁", "Gift"),
            new Emoji(41, "💡", "Light Bulb"),
            new Emoji(42, "📕", "Book"),
            new Emoji(43, "✏️", "Pencil"),
            new Emoji(44, "📎", "Paperclip"),
            new Emoji(45, "✂️", "Scissors"),
            new Emoji(46, "🔒", "Lock"),
            new Emoji(47, "🔑", "Key"),
            new Emoji(48, "🔨", "Hammer"),
            new Emoji(49, "☎️", "Telephone"),
            new Emoji(50, "🏁", "Flag"),
            new Emoji(51, "🚂", "Train"),
            new Emoji(52, "🚲", "Bicycle"),
            new Emoji(53, "✈️", "Aeroplane"),
            new Emoji(54, "🚀", "Rocket"),
            new Emoji(55, "🏆", "Trophy"),
            new Emoji(56, "⚽", "Ball"),
            new Emoji(57, "🎸", "Guitar"),
            new Emoji(58, "🎺", "Trumpet"),
            new Emoji(59, "🔔", "Bell"),
            new Emoji(60, "⚓", "Anchor"),
            new Emoji(61, "🎧", "Headphones"),
            new Emoji(62, "📁", "Folder"),
            new Emoji(63, "📌", "Pin")
    );

    private SasEmoji() {
    }

    /** The 7 emoji of the first 6 SAS bytes. */
    public static List<Emoji> fromBytes(byte[] sas) {
        if (sas.length < 6) {
            throw new IllegalArgumentException("emoji need 6 SAS bytes");
        }
        long bits = 0;
        for (int i = 0; i < 6; i++) {
            bits = bits << 8 | (sas[i] & 0xFF);
        }
        Emoji[] out = new Emoji[7];
        for (int i = 0; i < 7; i++) {
            out[i] = TABLE.get((int) (bits >>> (42 - 6 * i)) & 0x3F);
        }
        return List.of(out);
    }

    /** The 3 numbers (each 1000..9191) of the first 5 SAS bytes. */
    public static int[] decimals(byte[] sas) {
        if (sas.length < 5) {
            throw new IllegalArgumentException("decimals need 5 SAS bytes");
        }
        int b0 = sas[0] & 0xFF;
        int b1 = sas[1] & 0xFF;
        int b2 = sas[2] & 0xFF;
        int b3 = sas[3] & 0xFF;
        int b4 = sas[4] & 0xFF;
        return new int[] {
            (b0 << 5 | b1 >>> 3) + 1000,
            ((b1 & 0x7) << 10 | b2 << 2 | b3 >>> 6) + 1000,
            ((b3 & 0x3F) << 7 | b4 >>> 1) + 1000,
        };
    }
}
