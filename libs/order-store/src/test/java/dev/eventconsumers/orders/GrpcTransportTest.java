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

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The gRPC transport the Firestore and Pub/Sub clients run on: OkHttp, which is all this module ships (Netty is
 * excluded, see the pom), reached through gax's own channel provider, and over TLS with HTTP/2 agreed by the JDK's
 * ALPN, as a production client reaches {@code firestore.googleapis.com}. Google's endpoints are out of reach here, so
 * the TLS is a loopback proxy's in front of the real emulator.
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
}
