package dev.eventconsumers.thumbnailer;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * libjpeg-turbo's TurboJPEG API (Debian's {@code libturbojpeg0}) through the JDK's Foreign Function & Memory API: a
 * JPEG decoded straight to a reduced size in the DCT domain (1/2, 1/4, 1/8 and the other scales the library offers),
 * as Pillow, libvips and sharp do, instead of a full-size decode that is then subsampled. No JNI code: the library is
 * found at run time, and where it is missing the service keeps ImageIO.
 */
final class TurboJpeg {
    private static final Logger LOGGER = Logger.getLogger(TurboJpeg.class.getName());
    /** {@code TJPF_BGRX}: four bytes a pixel, read as a little-endian int that is {@code 0xXXRRGGBB}. */
    private static final int TJPF_BGRX = 3;
    private static final int TJCS_CMYK = 3;
    private static final int TJCS_YCCK = 4;
    private static final int TJERR_WARNING = 0;
    private static final Optional<TurboJpeg> INSTANCE = load();

    private final MethodHandle initDecompress;
    private final MethodHandle decompressHeader3;
    private final MethodHandle decompress2;
    private final MethodHandle errorString;
    private final MethodHandle errorCode;
    private final MethodHandle destroy;
    private final MethodHandle initCompress;
    private final MethodHandle compress2;
    private final MethodHandle free;
    /** The scales the library decodes to, as {num, denom} pairs. */
    private final int[][] scales;
    private final String library;

    private TurboJpeg(SymbolLookup lib, String library) throws Throwable {
        Linker linker = Linker.nativeLinker();
        this.library = library;
        initDecompress = linker.downcallHandle(lib.find("tjInitDecompress").orElseThrow(),
                                               FunctionDescriptor.of(ValueLayout.ADDRESS));
        decompressHeader3 = linker.downcallHandle(lib.find("tjDecompressHeader3").orElseThrow(), FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        decompress2 = linker.downcallHandle(lib.find("tjDecompress2").orElseThrow(), FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        errorString = linker.downcallHandle(lib.find("tjGetErrorStr2").orElseThrow(),
                                            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        errorCode = linker.downcallHandle(lib.find("tjGetErrorCode").orElseThrow(),
                                          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        destroy = linker.downcallHandle(lib.find("tjDestroy").orElseThrow(),
                                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        initCompress = linker.downcallHandle(lib.find("tjInitCompress").orElseThrow(),
                                             FunctionDescriptor.of(ValueLayout.ADDRESS));
        compress2 = linker.downcallHandle(lib.find("tjCompress2").orElseThrow(), FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        free = linker.downcallHandle(lib.find("tjFree").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        MethodHandle scalingFactors = linker.downcallHandle(lib.find("tjGetScalingFactors").orElseThrow(),
                                                            FunctionDescriptor.of(ValueLayout.ADDRESS,
                                                                                  ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment factors = (MemorySegment) scalingFactors.invokeExact(count);
            int n = count.get(ValueLayout.JAVA_INT, 0);
            MemorySegment array = factors.reinterpret(8L * n);
            scales = new int[n][];
            for (int i = 0; i < n; i++) {
                scales[i] = new int[] {array.get(ValueLayout.JAVA_INT, 8L * i), array.get(ValueLayout.JAVA_INT, 8L * i + 4)};
            }
        }
    }

    private static Optional<TurboJpeg> load() {
        for (String name : new String[] {"libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.dylib"}) {
            try {
                return Optional.of(new TurboJpeg(SymbolLookup.libraryLookup(name, Arena.global()), name));
            } catch (IllegalArgumentException notFound) {
                // next name
            } catch (Throwable e) {
                LOGGER.warning(() -> name + " was found but cannot be used: " + e);
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** @return the library, if this machine has it */
    static Optional<TurboJpeg> instance() {
        return INSTANCE;
    }

    /** @return which library file was loaded */
    String library() {
        return library;
    }

    /**
     * @param width      a JPEG's width
     * @param height     its height
     * @param atLeastW   the width the decoded image must still have
     * @param atLeastH   the height it must still have
     * @return the smallest size the library decodes the JPEG to that is at least that large
     */
    Size scaledAtLeast(int width, int height, int atLeastW, int atLeastH) {
        Size best = new Size(width, height);
        for (int[] scale : scales) {
            int w = scaled(width, scale);
            int h = scaled(height, scale);
            if (w >= atLeastW && h >= atLeastH && (long) w * h < best.pixels()) {
                best = new Size(w, h);
            }
        }
        return best;
    }

    private static int scaled(int dimension, int[] scale) {
        return (int) (((long) dimension * scale[0] + scale[1] - 1) / scale[1]);
    }

    /**
     * @param colorspace the JPEG's colour space
     * @return whether the library converts it to RGB (CMYK and YCCK it does not: ImageIO does those)
     */
    static boolean decodesToRgb(int colorspace) {
        return colorspace != TJCS_CMYK && colorspace != TJCS_YCCK;
    }

    /**
     * The header: dimensions and colour space.
     *
     * @param width      its width
     * @param height     its height
     * @param colorspace TurboJPEG's {@code TJCS_*}
     */
    record Header(int width, int height, int colorspace) {
    }

    /**
     * @param pixels  packed RGB, row by row
     * @param size    their dimensions
     * @param warning what the decoder warned about (a truncated file, corrupt data), if anything
     */
    record Decoded(int[] pixels, Size size, Optional<String> warning) {
    }

    /** The library refused the JPEG. */
    static final class DecodeException extends Exception {
        DecodeException(String message) {
            super(message);
        }
    }

    /**
     * @param jpeg a JPEG file
     * @return its header
     * @throws DecodeException when the library cannot read one
     */
    Header header(byte[] jpeg) throws DecodeException {
        return decompressing((arena, handle) -> {
            MemorySegment source = arena.allocateFrom(ValueLayout.JAVA_BYTE, jpeg);
            MemorySegment ints = arena.allocate(ValueLayout.JAVA_INT, 4);
            int status = (int) decompressHeader3.invokeExact(handle, source, (long) jpeg.length, ints,
                                                             ints.asSlice(4), ints.asSlice(8), ints.asSlice(12));
            if (status != 0) {
                throw new DecodeException(error(handle));
            }
            return new Header(ints.get(ValueLayout.JAVA_INT, 0), ints.get(ValueLayout.JAVA_INT, 4),
                              ints.get(ValueLayout.JAVA_INT, 12));
        });
    }

    /**
     * @param jpeg a JPEG file
     * @param size a size {@link #scaledAtLeast} chose
     * @return its pixels at that size
     * @throws DecodeException when the library cannot decode it at all
     */
    Decoded decode(byte[] jpeg, Size size) throws DecodeException {
        return decompressing((arena, handle) -> {
            MemorySegment source = arena.allocateFrom(ValueLayout.JAVA_BYTE, jpeg);
            MemorySegment pixels = arena.allocate(4L * size.pixels());
            int status = (int) decompress2.invokeExact(handle, source, (long) jpeg.length, pixels, size.width(),
                                                       4 * size.width(), size.height(), TJPF_BGRX, 0);
            Optional<String> warning = Optional.empty();
            if (status != 0) {
                String message = error(handle);
                if ((int) errorCode.invokeExact(handle) != TJERR_WARNING) {
                    throw new DecodeException(message);
                }
                warning = Optional.of(message);
            }
            int[] rgb = pixels.toArray(ValueLayout.JAVA_INT);
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] &= 0xFFFFFF;
            }
            return new Decoded(rgb, size, warning);
        });
    }

    /** One call on a decompressor of its own, in a confined arena. */
    private interface Decompression<T> {
        T call(Arena arena, MemorySegment handle) throws Throwable;
    }

    /** Runs the call with a fresh decompressor, destroyed afterwards; the library's refusals stay DecodeExceptions. */
    private <T> T decompressing(Decompression<T> call) throws DecodeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = handle();
            try {
                return call.call(arena, handle);
            } finally {
                int ignored = (int) destroy.invokeExact(handle);
            }
        } catch (DecodeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("libturbojpeg call failed", e);
        }
    }

    /** {@code TJSAMP_420}: chroma halved both ways, as ImageIO's and Pillow's encoders do by default. */
    private static final int TJSAMP_420 = 2;

    /**
     * @param rgb     packed RGB pixels, row by row
     * @param size    their dimensions
     * @param quality JPEG quality, 0..1 (libjpeg's scale, as ImageIO's)
     * @return the JPEG
     */
    byte[] encode(int[] rgb, Size size, float quality) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) initCompress.invokeExact();
            if (handle.address() == 0) {
                throw new IllegalStateException("tjInitCompress failed");
            }
            try {
                // Little-endian 0x00RRGGBB ints are the bytes B, G, R, 0: TJPF_BGRX.
                MemorySegment pixels = arena.allocateFrom(ValueLayout.JAVA_INT, rgb);
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                MemorySegment outSize = arena.allocate(ValueLayout.JAVA_LONG);
                int status = (int) compress2.invokeExact(handle, pixels, size.width(), 4 * size.width(),
                                                         size.height(), TJPF_BGRX, out, outSize, TJSAMP_420,
                                                         Math.max(1, Math.min(100, Math.round(quality * 100))), 0);
                MemorySegment jpeg = out.get(ValueLayout.ADDRESS, 0);
                try {
                    if (status != 0) {
                        throw new IllegalStateException("tjCompress2 failed: " + error(handle));
                    }
                    return jpeg.reinterpret(outSize.get(ValueLayout.JAVA_LONG, 0)).toArray(ValueLayout.JAVA_BYTE);
                } finally {
                    if (jpeg.address() != 0) {
                        free.invokeExact(jpeg);
                    }
                }
            } finally {
                int ignored = (int) destroy.invokeExact(handle);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("libturbojpeg call failed", e);
        }
    }

    private MemorySegment handle() throws Throwable {
        MemorySegment handle = (MemorySegment) initDecompress.invokeExact();
        if (handle.address() == 0) {
            throw new IllegalStateException("tjInitDecompress failed");
        }
        return handle;
    }

    private String error(MemorySegment handle) throws Throwable {
        MemorySegment message = (MemorySegment) errorString.invokeExact(handle);
        return message.reinterpret(1024).getString(0);
    }
}
