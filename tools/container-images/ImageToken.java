import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * An issuer for one image run (run-image --bearer): a fresh RSA key, its JWKS as an issuer publishes it, and one RS256
 * ID token for a customer, valid for an hour, the way Firebase Auth / Identity Platform signs them. The key lives only
 * in this process; the JWKS and the token are written to a folder. JDK only, run as a source file:
 * <pre>java ImageToken.java DIR ISSUER AUDIENCE CUSTOMER</pre>
 * writes {@code DIR/jwks.json} and {@code DIR/token}.
 */
public final class ImageToken {
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: java ImageToken.java DIR ISSUER AUDIENCE CUSTOMER");
        }
        Path dir = Path.of(args[0]);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        RSAPublicKey key = (RSAPublicKey) pair.getPublic();
        String kid = "image-run-" + Long.toHexString(System.nanoTime());
        Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\""
                + kid + "\",\"n\":\"" + unsigned(key.getModulus()) + "\",\"e\":\"" + unsigned(key.getPublicExponent())
                + "\"}]}\n");
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
        String claims = "{\"iss\":\"" + args[1] + "\",\"aud\":\"" + args[2] + "\",\"sub\":\"image-run-" + args[3]
                + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + ",\"customer_id\":\"" + args[3] + "\"}";
        String signingInput = text(header) + "." + text(claims);
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(pair.getPrivate());
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        Files.writeString(dir.resolve("token"), signingInput + "." + URL.encodeToString(signature.sign()));
    }

    private static String text(String json) {
        return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A JWK's integer: big-endian, without the sign byte BigInteger adds. */
    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return URL.encodeToString(bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes);
    }
}
