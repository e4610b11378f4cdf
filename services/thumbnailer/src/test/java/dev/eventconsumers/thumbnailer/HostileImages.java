package dev.eventconsumers.thumbnailer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Valid image files an attacker (or an unlucky producer) would upload, written byte by byte: tiny files of extreme
 * shape, and sources as large as the thumbnailer takes. No image library makes them, so none holds their pixels here.
 */
final class HostileImages {
    private HostileImages() {
    }

    /** @return a valid 8-bit grayscale PNG of that size, all black: a few hundred KB for 99 megapixels */
    static byte[] grayPng(int width, int height) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", header.array());
        chunk(png, "IDAT", deflated(height, 1 + width));
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    /** @return a valid little-endian TIFF, 8-bit grayscale, one deflate-compressed strip, all black */
    static byte[] grayTiff(int width, int height) {
        byte[] strip = deflated(height, width);
        int entries = 9;
        int ifd = 8;
        int data = ifd + 2 + entries * 12 + 4;
        ByteBuffer tiff = ByteBuffer.allocate(data + strip.length).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
        tiff.putShort((short) entries);
        entry(tiff, 256, 4, width);        // ImageWidth
        entry(tiff, 257, 4, height);       // ImageLength
        entry(tiff, 258, 3, 8);            // BitsPerSample
        entry(tiff, 259, 3, 8);            // Compression: deflate
        entry(tiff, 262, 3, 1);            // PhotometricInterpretation: black is zero
        entry(tiff, 273, 4, data);         // StripOffsets
        entry(tiff, 277, 3, 1);            // SamplesPerPixel
        entry(tiff, 278, 4, height);       // RowsPerStrip
        entry(tiff, 279, 4, strip.length); // StripByteCounts
        tiff.putInt(0);
        tiff.put(strip);
        return tiff.array();
    }

    /** @return an uncompressed 24-bit BMP of that size with a gradient: as large as a source may be */
    static byte[] bmp(int width, int height) {
        int row = (width * 3 + 3) & ~3;
        int size = 54 + row * height;
        ByteBuffer bmp = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        bmp.put((byte) 'B').put((byte) 'M').putInt(size).putInt(0).putInt(54);
        bmp.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).putInt(0)
                .putInt(row * height).putInt(2835).putInt(2835).putInt(0).putInt(0);
        byte[] pixels = new byte[row];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                pixels[x * 3] = (byte) x;
                pixels[x * 3 + 1] = (byte) y;
                pixels[x * 3 + 2] = (byte) (x + y);
            }
            bmp.put(pixels);
        }
        return bmp.array();
    }

    private static void entry(ByteBuffer tiff, int tag, int type, int value) {
        tiff.putShort((short) tag).putShort((short) type).putInt(1);
        if (type == 3) {
            tiff.putShort((short) value).putShort((short) 0);
        } else {
            tiff.putInt(value);
        }
    }

    /** @return zlib of {@code rows} rows of {@code rowBytes} zeros, written a row at a time */
    private static byte[] deflated(int rows, int rowBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[Math.min(rowBytes, 1 << 20)];
        try (OutputStream z = new DeflaterOutputStream(out)) {
            for (int y = 0; y < rows; y++) {
                for (int left = rowBytes; left > 0; left -= zeros.length) {
                    z.write(zeros, 0, Math.min(left, zeros.length));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(name);
        png.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
