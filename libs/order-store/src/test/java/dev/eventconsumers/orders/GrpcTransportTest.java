package dev.eventconsumers.orders;

import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import dev.eventconsumers.testkit.FirestoreEmulator;
import dev.eventconsumers.testkit.LoopbackTls;
import dev.eventconsumers.testkit.TcpProxy;
import io.grpc.ManagedChannelProvider;
import io.grpc.okhttp.OkHttpChannelBuilder;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gRPC transport the Firestore and Pub/Sub clients run on: OkHttp, which is all this module ships (Netty is
 * excluded, see the pom), reached through gax's own channel provider, and over TLS with HTTP/2 agreed by the JDK's
 * ALPN, as a production client reaches {@code firestore.googleapis.com}. Google's endpoints are out of reach here, so
 * the TLS is a loopback proxy's in front of the real emulator. The transport was built against okio 3, and runs on
 * okio 1.17 (the root pom says why): every okio member its classes name must be there.
 */
class GrpcTransportTest {

    @Test
    void theOnlyTransportIsOkHttp() {
        assertEquals("io.grpc.okhttp.OkHttpChannelProvider",
                     ManagedChannelProvider.provider().getClass().getName());
        assertThrows(ClassNotFoundException.class,
                     () -> Class.forName("io.grpc.netty.shaded.io.grpc.netty.NettyChannelProvider"));
    }

    @Test
    void firestoreWritesAndReadsOverTlsWithHttp2() throws Exception {
        LoopbackTls tls = LoopbackTls.create();
        List<String> builders = new CopyOnWriteArrayList<>();
        try (TcpProxy front = TcpProxy.terminatingTls(FirestoreEmulator.shared().host(), tls.server())) {
            InstantiatingGrpcChannelProvider channels = InstantiatingGrpcChannelProvider.newBuilder()
                    .setEndpoint(front.host())
                    .setChannelConfigurator(builder -> {
                        builders.add(builder.getClass().getName());
                        // Trust the proxy's certificate; everything else is the client's default TLS.
                        return ((OkHttpChannelBuilder) builder).sslSocketFactory(tls.client().getSocketFactory());
                    })
                    .build();
            try (Firestore firestore = FirestoreOptions.newBuilder()
                    .setProjectId(FirestoreEmulator.PROJECT)
                    .setHost(front.host())
                    // A bearer token, as production sends one (the emulator's "owner"): with NoCredentials the
                    // client would open its own plaintext emulator channel and never use this provider.
                    .setCredentials(GoogleCredentials.create(new AccessToken(
                            "owner", Date.from(Instant.now().plus(1, ChronoUnit.HOURS)))))
                    .setChannelProvider(channels)
                    .build().getService()) {
                firestore.collection("tls-check").document("one").set(Map.of("over", "tls")).get();

                assertEquals("tls", firestore.collection("tls-check").document("one").get().get().getString("over"));
            }
            assertEquals(List.of(OkHttpChannelBuilder.class.getName()), builders.stream().distinct().toList());
            assertFalse(front.negotiatedProtocols().isEmpty());
            assertEquals(List.of("h2"), front.negotiatedProtocols().stream().distinct().toList());
        }
    }

    @Test
    void everyOkioMemberTheTransportCallsIsThere() throws Exception {
        Path transport = Path.of(OkHttpChannelBuilder.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        TreeSet<String> members = new TreeSet<>();
        try (JarFile jar = new JarFile(transport.toFile())) {
            for (JarEntry entry : jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                try (InputStream in = jar.getInputStream(entry)) {
                    members.addAll(memberReferences(in, "okio/"));
                }
            }
        }
        assertTrue(members.size() > 50, "okio members named by " + transport.getFileName() + ": " + members);

        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        ClassLoader loader = getClass().getClassLoader();
        List<String> missing = new ArrayList<>();
        for (String member : members) {
            String[] parts = member.split(" ");   // kind owner name descriptor
            Class<?> owner = Class.forName(parts[1].replace('/', '.'), false, loader);
            String name = parts[2];
            try {
                if (parts[0].equals("field")) {
                    Class<?> type = MethodType.fromMethodDescriptorString("()" + parts[3], loader).returnType();
                    try {
                        lookup.findStaticGetter(owner, name, type);
                    } catch (ReflectiveOperationException notStatic) {
                        lookup.findGetter(owner, name, type);
                    }
                } else {
                    MethodType type = MethodType.fromMethodDescriptorString(parts[3], loader);
                    if (name.equals("<init>")) {
                        lookup.findConstructor(owner, type);
                    } else {
                        try {
                            lookup.findVirtual(owner, name, type);
                        } catch (ReflectiveOperationException notVirtual) {
                            lookup.findStatic(owner, name, type);
                        }
                    }
                }
            } catch (ReflectiveOperationException e) {
                missing.add(member);
            }
        }
        assertEquals(List.of(), missing);
    }

    /** The fields and methods of classes under {@code prefix} that one class file refers to, from its constant pool. */
    private static List<String> memberReferences(InputStream classFile, String prefix) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readInt();   // minor and major version
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] first = new int[count];
        int[] second = new int[count];
        int[] tags = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            tags[i] = tag;
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7, 8, 16, 19, 20 -> first[i] = in.readUnsignedShort();
                case 9, 10, 11, 12, 17, 18 -> {
                    first[i] = in.readUnsignedShort();
                    second[i] = in.readUnsignedShort();
                }
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;   // a long or a double takes two entries
                }
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("constant pool tag " + tag);
            }
        }
        List<String> references = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            if (tags[i] == 9 || tags[i] == 10 || tags[i] == 11) {
                String owner = utf8[first[first[i]]];
                if (owner.startsWith(prefix)) {
                    int nameAndType = second[i];
                    references.add((tags[i] == 9 ? "field " : "method ") + owner + " "
                                   + utf8[first[nameAndType]] + " " + utf8[second[nameAndType]]);
                }
            }
        }
        return references;
    }
}
